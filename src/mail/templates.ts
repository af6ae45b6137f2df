/** Why a code is being sent. */
export type CodePurpose = 'setup' | 'login' | 'step-up';

/** What a template gets. */
export interface CodeMessageInput {
  code: string;
  issuer: string;
  purpose: CodePurpose;
  expiresInMinutes: number;
  to: string;
}

/** Renders the email that carries a code; replace it to change wording or language. */
export type CodeMessageTemplate = (input: CodeMessageInput) => {
  subject: string;
  text: string;
  html?: string;
};

const ACTIONS: Record<CodePurpose, string> = {
  setup: 'Enter it on the Enter the Authentication Code pop-up to set up email authentication',
  login: 'Enter it on the Input Authentication Code page to finish signing in',
  'step-up': 'Enter it to confirm the change to your two-factor authentication settings',
};

/** Escapes text for HTML. */
export const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** The default English message, worded like the CloudFon help page. */
export const defaultCodeMessage: CodeMessageTemplate = ({ code, issuer, purpose, expiresInMinutes }) => {
  const action = ACTIONS[purpose];
  const minutes = `${expiresInMinutes} minute${expiresInMinutes === 1 ? '' : 's'}`;
  const warning =
    purpose === 'login'
      ? 'If you did not try to sign in, someone may know your password: change it now.'
      : 'If you did not ask for this code, you can ignore this email.';
  return {
    subject: `${issuer}: your authentication code`,
    text: `Your six-digit authentication code for ${issuer} is ${code}.\n\n${action}. The code expires in ${minutes} and can be used once.\n\n${warning}\n`,
    html: `<p>Your six-digit authentication code for ${escapeHtml(issuer)} is</p><p style="font-size:24px;letter-spacing:4px"><b>${code}</b></p><p>${escapeHtml(action)}. The code expires in ${minutes} and can be used once.</p><p>${escapeHtml(warning)}</p>`,
  };
};
