/**
 * The validator package's checks Galley uses, imported one module each: the package's
 * index loads all of its ~110 modules, a good part of start-up time.
 * (Each module is CommonJS with the function as both the export and its `default`.)
 */
import isEmailModule from 'validator/lib/isEmail.js';
import isURLModule from 'validator/lib/isURL.js';
import isIPModule from 'validator/lib/isIP.js';
import isFQDNModule from 'validator/lib/isFQDN.js';

export const isEmail = isEmailModule.default;
export const isURL = isURLModule.default;
export const isIP = isIPModule.default;
export const isFQDN = isFQDNModule.default;
