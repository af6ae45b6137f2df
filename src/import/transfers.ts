import { backupCodesTransfer } from '../methods/backup-codes/backup-codes-transfer.js';
import { emailTransfer } from '../methods/email/email-transfer.js';
import { phoneTransfer } from '../methods/phone/phone-transfer.js';
import { totpTransfer } from '../methods/totp/totp-transfer.js';
import type { MethodTransfer } from '../methods/transfer.js';
import { webauthnTransfer } from '../methods/webauthn/webauthn-transfer.js';

/**
 * Every method an import can bring, each from its own folder (the method owns its record format).
 * Listed here rather than on the method modules, so the main entry never loads import code.
 */
export const transfers = [
  totpTransfer,
  webauthnTransfer,
  emailTransfer,
  phoneTransfer,
  backupCodesTransfer,
] as unknown as readonly MethodTransfer[];
