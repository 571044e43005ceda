/** The `meta` settings section: application name and URL, and the sender of system emails (API spec 8.3). */
import { isURL, isEmail } from '../text-checks.js';
import { fieldError, required, type ErrorData } from '../errors.js';
import { lengthError, mergeFlat, type SettingsSection } from './settings-section.js';

export interface MetaSettings {
  [key: string]: string | boolean;
  appName: string;
  appURL: string;
  senderName: string;
  senderAddress: string;
  hideControls: boolean;
}

const defaults = (): MetaSettings => ({
  appName: 'Galley',
  appURL: 'http://127.0.0.1:8090',
  senderName: 'Support',
  senderAddress: 'support@example.com',
  hideControls: false,
});

export const metaSection: SettingsSection<MetaSettings> = {
  name: 'meta',
  defaults,
  merge: (current, input, errors) => mergeFlat(defaults(), current, input, errors),
  validate(v) {
    const errors: ErrorData = {};
    const text = (key: 'appName' | 'senderName') => {
      if (v[key] === '') errors[key] = required();
      else if (v[key].length > 255) errors[key] = lengthError();
    };
    text('appName');
    text('senderName');
    if (v.appURL === '') errors.appURL = required();
    else if (!isURL(v.appURL, { require_tld: false, require_protocol: true, protocols: ['http', 'https'] }))
      errors.appURL = fieldError('validation_is_url', 'Must be a valid URL.');
    if (v.senderAddress === '') errors.senderAddress = required();
    else if (v.senderAddress.length > 255 || !isEmail(v.senderAddress))
      errors.senderAddress = fieldError('validation_is_email', 'Must be a valid email address.');
    return errors;
  },
  toPublic: (v) => ({ ...v }),
};
