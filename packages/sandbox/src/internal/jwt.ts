// Compact JWS (JWT) signing and verification with node:crypto, HS256 and RS256 only. The claims go
// through a Schema both ways, so a token's payload is exactly what its schema says.
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Crypto from "node:crypto"
import type * as Edition from "./edition.js"

/** @internal */
export interface Signer {
  /** The base64url JOSE header, fixed per signer so a token with another `alg` never verifies. */
  readonly header: string
  readonly sign: (input: string) => Buffer
  readonly verify: (input: string, signature: Buffer) => boolean
}

const base64url = (data: string | Buffer) => Buffer.from(data).toString("base64url")

/**
 * `header` is the JOSE header as the provider writes it (key order differs between libraries).
 *
 * @internal
 */
export const hs256 = (secret: Buffer, header: string): Signer => {
  const mac = (input: string) => Crypto.createHmac("sha256", secret).update(input).digest()
  return {
    header: base64url(header),
    sign: mac,
    verify: (input, signature) => {
      const expected = mac(input)
      return expected.length === signature.length && Crypto.timingSafeEqual(expected, signature)
    }
  }
}

/** @internal */
export interface RsaKeys {
  readonly signer: Signer
  /** SPKI PEM, for tests that verify tokens themselves. */
  readonly publicKey: string
}

const generateKeyPair = Effect.promise(() =>
  new Promise<Crypto.KeyPairKeyObjectResult>((resolve, reject) => {
    // The async variant: generating a 2048-bit key takes long enough to be worth not blocking.
    Crypto.generateKeyPair("rsa", { modulusLength: 2048 }, (error, publicKey, privateKey) => {
      if (error) return reject(error)
      resolve({ publicKey, privateKey })
    })
  })
)

/**
 * One key pair per process, made on first use: emulators are many and short-lived in test
 * suites, and each 2048-bit key costs about 0.2 s of CPU.
 */
const keyPair = Effect.runSync(Effect.cached(generateKeyPair))

/** @internal */
export const rs256 = (header: string): Effect.Effect<RsaKeys> =>
  Effect.map(keyPair, ({ privateKey, publicKey }) => ({
    signer: {
      header: base64url(header),
      sign: (input) => Crypto.sign("sha256", Buffer.from(input), privateKey),
      verify: (input, signature) => Crypto.verify("sha256", Buffer.from(input), publicKey, signature)
    },
    publicKey: publicKey.export({ type: "spki", format: "pem" }).toString()
  }))

/** @internal */
export const encode = <A, I>(schema: Edition.Codec<A, I>, signer: Signer, claims: A): string => {
  const input = `${signer.header}.${base64url(JSON.stringify(Schema.encodeSync(schema)(claims)))}`
  return `${input}.${base64url(signer.sign(input))}`
}

/**
 * The claims of a token this signer made, or none for anything else (no matter why).
 *
 * @internal
 */
export const decode = <A, I>(schema: Edition.Codec<A, I>, signer: Signer, token: string): Option.Option<A> => {
  const parts = token.split(".")
  if (parts.length !== 3 || parts[0] !== signer.header) return Option.none()
  if (!signer.verify(`${parts[0]}.${parts[1]}`, Buffer.from(parts[2]!, "base64url"))) return Option.none()
  let json: unknown
  try {
    json = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8"))
  } catch {
    return Option.none()
  }
  return Schema.decodeUnknownOption(schema)(json)
}
