/**
 * AES-256-GCM for the stored grant. The 32-byte key is derived from the configured secret with
 * HKDF-SHA-256; every seal draws a fresh 12-byte IV; the namespace key is the additional
 * authenticated data, so a value copied under another namespace does not open. A sealed value
 * reads `v1.` followed by base64 of IV | tag | ciphertext.
 */
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Crypto from "node:crypto"

const version = "v1."
const ivLength = 12
const tagLength = 16
const salt = "tokenkeeper/redis"
const info = "grant encryption v1"

export interface Cipher {
  readonly seal: (plaintext: string, aad: string) => string
  /** None for anything that is not a value sealed with this key and this AAD. */
  readonly open: (sealed: string, aad: string) => Option.Option<string>
}

export const make = (secret: Redacted.Redacted<string>): Cipher => {
  const key = Buffer.from(Crypto.hkdfSync("sha256", Redacted.value(secret), salt, info, 32))

  const seal = (plaintext: string, aad: string): string => {
    const iv = Crypto.randomBytes(ivLength)
    const cipher = Crypto.createCipheriv("aes-256-gcm", key, iv, { authTagLength: tagLength })
    cipher.setAAD(Buffer.from(aad, "utf8"))
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()])
    return version + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64")
  }

  const open = (sealed: string, aad: string): Option.Option<string> => {
    if (!sealed.startsWith(version)) return Option.none()
    const bytes = Buffer.from(sealed.slice(version.length), "base64")
    if (bytes.length < ivLength + tagLength) return Option.none()
    try {
      const decipher = Crypto.createDecipheriv("aes-256-gcm", key, bytes.subarray(0, ivLength), {
        authTagLength: tagLength
      })
      decipher.setAAD(Buffer.from(aad, "utf8"))
      decipher.setAuthTag(bytes.subarray(ivLength, ivLength + tagLength))
      const plaintext = Buffer.concat([decipher.update(bytes.subarray(ivLength + tagLength)), decipher.final()])
      return Option.some(plaintext.toString("utf8"))
    } catch {
      // A wrong key, a tampered value or a truncated one: GCM's tag check refuses them all alike.
      return Option.none()
    }
  }

  return { seal, open }
}
