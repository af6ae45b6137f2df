/**
 * JSX types for the elements in React 19 (which sets their properties and listens to their
 * events): `import type {} from 'factorkit/elements/react'` once, e.g. in a `.d.ts` of the app.
 * Events are props named `on` + the event's name, as React 19 maps them: `onsigned-in`.
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { FactorkitAdminAgent } from '../../elements/admin-agent-element.js';
import type { FactorkitElement } from '../../elements/base-element.js';
import type { FactorkitChallenge } from '../../elements/challenge-element.js';
import type { Catalogue } from '../../elements/messages/en.js';
import type { FactorkitPolicy } from '../../elements/policy-element.js';
import type { FactorkitSettings } from '../../elements/settings-element.js';

/** What every element takes in JSX: its attributes, `client` and `messages` (properties), and `onchanged`. */
type ElementProps<E extends FactorkitElement> = DetailedHTMLProps<HTMLAttributes<E>, E> & {
  'base-url'?: string;
  client?: E['client'];
  messages?: Partial<Catalogue>;
  onchanged?: (event: CustomEvent<{ what: string }>) => void;
};

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'factorkit-challenge': ElementProps<FactorkitChallenge> & {
        'onsigned-in'?: (event: CustomEvent<{ method: string }>) => void;
        onended?: (event: CustomEvent<{ reason: string }>) => void;
      };
      'factorkit-settings': ElementProps<FactorkitSettings> & {
        'email-address'?: string;
        'phone-number'?: string;
      };
      'factorkit-admin-agent': ElementProps<FactorkitAdminAgent> & {
        'user-id': string;
        'user-name'?: string;
      };
      'factorkit-policy': ElementProps<FactorkitPolicy> & { 'trust-days'?: number | string };
    }
  }
}
