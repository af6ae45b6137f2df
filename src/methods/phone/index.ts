// The phone method's public names, re-exported by `factorkit`.
export type { PhoneOptionsInput as PhoneOptions } from './phone-channel.js';
export type { PhoneLogin } from './phone-login.js';
export {
  defaultPhoneMessage,
  MemorySender,
  type PhoneDelivery,
  type PhoneMessage,
  type PhoneMessageInput,
  type PhoneMessageTemplate,
  type PhoneSender,
} from './phone-sender.js';
export type { PhoneApi, PhoneSendOptions, PhoneSendResult } from './phone-setup.js';
