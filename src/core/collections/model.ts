/** The collection definition as stored and (minus secrets) as served by the API. */
import type { FieldModel } from '../fields/field.js';

export type CollectionType = 'base' | 'auth' | 'view';

export const RULE_KEYS = ['listRule', 'viewRule', 'createRule', 'updateRule', 'deleteRule'] as const;
export const AUTH_RULE_KEYS = ['authRule', 'manageRule'] as const;
export type RuleKey = (typeof RULE_KEYS)[number] | (typeof AUTH_RULE_KEYS)[number];

export interface TokenConfig {
  duration: number;
  secret: string;
}

export interface EmailTemplate {
  subject: string;
  body: string;
}

/** Options only auth collections have (section 4.2 of the API spec). */
export interface AuthOptions {
  authRule: string | null;
  manageRule: string | null;
  authAlert: { enabled: boolean; emailTemplate: EmailTemplate };
  oauth2: {
    enabled: boolean;
    mappedFields: { id: string; name: string; username: string; avatarURL: string };
    providers: Record<string, unknown>[];
  };
  passwordAuth: { enabled: boolean; identityFields: string[] };
  mfa: { enabled: boolean; duration: number; rule: string };
  otp: { enabled: boolean; duration: number; length: number; emailTemplate: EmailTemplate };
  authToken: TokenConfig;
  passwordResetToken: TokenConfig;
  emailChangeToken: TokenConfig;
  verificationToken: TokenConfig;
  fileToken: TokenConfig;
  verificationTemplate: EmailTemplate;
  resetPasswordTemplate: EmailTemplate;
  confirmEmailChangeTemplate: EmailTemplate;
}

export interface CollectionModel extends Partial<AuthOptions> {
  id: string;
  name: string;
  type: CollectionType;
  system: boolean;
  listRule: string | null;
  viewRule: string | null;
  createRule: string | null;
  updateRule: string | null;
  deleteRule: string | null;
  fields: FieldModel[];
  indexes: string[];
  created: string;
  updated: string;
  viewQuery?: string;
  /** Full-text search options (docs/search.md); absent means the defaults. */
  search?: { language: string; porter: boolean };
}

export const TOKEN_KEYS = ['authToken', 'passwordResetToken', 'emailChangeToken', 'verificationToken', 'fileToken'] as const;

/** The collection as the API shows it: token secrets and OAuth2 client secrets removed. */
export function publicCollection(model: CollectionModel): Record<string, unknown> {
  const out: Record<string, unknown> = { ...model };
  if (model.type === 'auth') {
    for (const key of TOKEN_KEYS) {
      const cfg = model[key];
      if (cfg) out[key] = { duration: cfg.duration };
    }
    if (model.oauth2) {
      out.oauth2 = {
        ...model.oauth2,
        providers: model.oauth2.providers.map(({ clientSecret: _secret, ...rest }) => rest),
      };
    }
  }
  return out;
}
