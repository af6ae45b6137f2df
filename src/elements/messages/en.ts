import type { MessageCode } from '../../http/messages.js';
import type { Format } from './format.js';

/** What a text may use: the answer's numbers and names (`attemptsLeft`, `retryMs`, `sentTo`, ...). */
export type TextArgs = Readonly<Record<string, string | number>>;
/** One text: fixed, or made from the numbers with the language's `Intl` formatters. */
export type Text = string | ((args: TextArgs, format: Format) => string);

const num = (args: TextArgs, key: string) => Number(args[key] ?? 0);

/**
 * The elements' English texts. The words for a refusal (a wrong code, a lock, ...) are not here:
 * in English they are the `message` the endpoints answer with, from the HTTP layer's catalogue
 * (the host's `messages` included), so each sentence is written once.
 */
export const en = {
  // The code page ("Input Authentication Code").
  challengeTitle: 'Input Authentication Code',
  challengeIntro:
    'Enter the six-digit passcode received in your email or generated from your 2FA authenticator app, and click Verify.',
  backupHint: 'You can also enter a backup code.',
  codeLabel: 'Authentication code',
  verify: 'Verify',
  sendEmail: 'Send code by email',
  sendText: 'Send code by text message',
  emailSent: (a) => `We sent a six-digit code to ${a['sentTo']}.`,
  useKey: 'Use a security key',
  keyNoAnswer: 'The security key did not answer. Try again, or enter a code.',
  remember: (a, f) =>
    `Trust this browser for ${num(a, 'days')} day${f.plural(num(a, 'days')) === 'one' ? '' : 's'}`,
  signedIn: 'Signed in.',
  retryIn: (a, f) => `You can try again in ${f.clock(num(a, 'retryMs'))}.`,
  retryNow: 'You can try again now.',
  // Settings (Profile > User Setting > Two-Factor Authentication).
  settingsTitle: 'Two-Factor Authentication (2FA)',
  email: 'Email authentication',
  totp: 'Authenticator app authentication',
  webauthn: 'Security keys',
  phone: 'Text message (SMS) authentication',
  phoneNumber: 'Phone number',
  phoneNote: 'Text messages are the weakest method: a number can be moved to another SIM card.',
  enabled: 'Enabled',
  notSetUp: 'Not set up',
  setUp: 'Set up',
  turnOff: 'Turn off',
  turnedOff: 'Turned off.',
  turnOffTitle: (a) => `Turn off ${a['method']}?`,
  turnOffIntro: 'Sign-in will no longer accept this method. Trusted browsers will be asked for a code again.',
  address: 'Email address',
  sendCode: 'Send code',
  enterCode: 'Enter the Authentication Code',
  emailCodeIntro: (a) => `Enter the six-digit numeric code we sent to ${a['sentTo']}.`,
  appCodeIntro: 'Provide the six-digit numeric code your authenticator app generates.',
  sixDigits: 'Six-digit code',
  linkApp: 'Link the app to your account',
  linkIntro: 'Install a third-party 2FA authenticator app on a mobile device and scan the QR code.',
  qr: 'QR code for your authenticator app',
  secretIntro: 'Having trouble scanning? Enter this secret code in your app:',
  next: 'Next',
  cancel: 'Cancel',
  close: 'Close',
  done: 'Done',
  backupCodes: 'Backup codes',
  remaining: (a) => `${num(a, 'remaining')} of ${num(a, 'total')} backup codes remaining.`,
  noCodesYet: 'Backup codes are issued when you enable a method.',
  viewCodes: 'View Backup Codes',
  regenerate: 'Generate new codes',
  regenerateTitle: 'Generate new backup codes?',
  regenerateIntro:
    'Your current backup codes, the ones you downloaded or wrote down included, will stop working.',
  download: 'Download',
  newCodes: 'Your backup codes',
  newCodesIntro:
    "Now your account has been enabled with 2FA successfully. If you lose your device, you'll need these backup codes to log into your account. Without your device or a backup code, you'll have to contact the administrator to recover your account. We recommend you download them to keep them in a safe place.",
  regenerated: 'New backup codes generated: the old ones no longer work.',
  saved: 'I have saved these codes',
  codesHidden: 'Backup codes are stored hashed: they were shown once. Generate new codes to see a new set.',
  devices: 'Trusted browsers',
  noDevices: 'No trusted browsers.',
  thisBrowser: 'this browser',
  deviceDates: (a, f) =>
    `Last used ${f.relative(num(a, 'lastUsedMs'))}, trusted until ${f.date(num(a, 'expiresAt'))}`,
  revoke: 'Revoke',
  revokeAll: 'Revoke all trusted browsers',
  addKey: 'Add a security key',
  keyIntro: 'Name the key, then touch it (or use your device’s passkey) when the browser asks.',
  keyName: 'Name',
  defaultKeyName: 'Security key',
  add: 'Add',
  rename: 'Rename',
  remove: 'Remove',
  save: 'Save',
  keyCount: (a, f) => `${num(a, 'n')} key${f.plural(num(a, 'n')) === 'one' ? '' : 's'}`,
  keyDates: (a, f) =>
    `Added ${f.date(num(a, 'createdAt'))}, ${a['lastUsedMs'] === '' ? 'never used' : `last used ${f.relative(num(a, 'lastUsedMs'))}`}`,
  stepUp: 'Confirm it’s you',
  stepUpIntro: 'Enter a code from your authenticator app, your email or a backup code to continue.',
  // The administrator's "Get Backup Code" pop-up and reset.
  getBackupCode: 'Get Backup Code',
  forUser: (a) => `for ${a['name']}`,
  adminIntro: (a) =>
    `Generate a one-time backup code for ${a['name']}. It can be used once, expires after 30 minutes, and stops working when a newer code is generated.`,
  generate: 'Generate a Code',
  shareCode: 'Copy the code and share it with your agent:',
  copy: 'Copy',
  copied: 'Copied.',
  expires: (a, f) => `Expires at ${f.time(num(a, 'expiresAt'))} (${f.relative(num(a, 'inMs'))}).`,
  reset: 'Reset 2FA',
  resetIntro: (a) =>
    `Turn off every method of ${a['name']}, void their backup codes and trusted browsers, and sign them out everywhere?`,
  resetDone: 'Two-factor authentication was reset.',
  // The org policy (Global Settings > Security > 2FA Authentication).
  frequency: 'Frequency of Two-Factor Authentication for your Login',
  everyLogin: 'Every login',
  skipDays: (a) => `${num(a, 'days')} days skip (trusted browsers)`,
  frequencyNote:
    'With days skip, an agent who clears the browser cookies or uses a different browser is asked for a code again.',
  policySaved: 'Saved.',
  // Said when an answer carries no message of its own (a code the server's catalogue does not word).
  internal: 'Something went wrong. Please try again.',
} satisfies Record<string, Text>;

/** Every text the elements show, by key: their own, and the endpoints' reason and error codes. */
export type TextKey = keyof typeof en | MessageCode | 'key-refused';
/** A language's texts: the elements' own, and any of the endpoints' codes it words itself. */
export type Catalogue = Record<keyof typeof en, Text> & Partial<Record<MessageCode | 'key-refused', Text>>;
