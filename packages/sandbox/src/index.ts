/**
 * @since 0.1.0
 */
export * as Control from "./Control.js"

/**
 * @since 0.1.0
 */
export * as Localpayment from "./Localpayment.js"

/**
 * @since 0.1.0
 */
export * as Partner from "./Partner.js"

/**
 * @since 0.1.0
 */
export * as PaySecurez from "./PaySecurez.js"

/**
 * @since 0.1.0
 */
export * as Sandbox from "./Sandbox.js"

/**
 * @since 0.1.0
 */
export * as Recorder from "./Recorder.js"
