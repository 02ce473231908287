/**
 * @since 0.1.0
 */
export * as Arbitraries from "./Arbitraries.js"

/**
 * @since 0.1.0
 */
export * as Model from "./Model.js"

/**
 * @since 0.1.0
 */
export * as ScriptedEndpoint from "./ScriptedEndpoint.js"

/**
 * @since 0.1.0
 */
export * as ScriptedResource from "./ScriptedResource.js"

/**
 * @since 0.1.0
 */
export * as TestRun from "./TestRun.js"
