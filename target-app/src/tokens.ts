/** Injection tokens for the plain (framework-free) objects the app is built from. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const LOGGER = Symbol('LOGGER');
/** The event-loop instruments (@looplab/instrument): delay, utilization, stalls and attribution. */
export const EVENT_LOOP = Symbol('EVENT_LOOP');
