/**
 * @since 0.1.0
 */
export * as RedisTokenStore from "./RedisTokenStore.js"
