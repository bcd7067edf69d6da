/** Injection tokens for the plain (framework-free) objects the app is built from. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const LOGGER = Symbol('LOGGER');
