import type { MessageCode } from '../../http/messages.js';
import type { Catalogue, Text, TextArgs } from './en.js';
import type { Format } from './format.js';

const num = (args: TextArgs, key: string) => Number(args[key] ?? 0);
const plural = (n: number, f: Format, one: string, other: string) => (f.plural(n) === 'one' ? one : other);
const attempts = (n: number, f: Format) => `Encore ${n} ${plural(n, f, 'essai', 'essais')}`;

/**
 * The elements' French texts, and every reason and error code of the endpoints in French (a code
 * added to the HTTP layer fails the type check here until it has its words).
 */
export const fr = {
  challengeTitle: 'Saisir le code d’authentification',
  challengeIntro:
    'Saisissez le code à six chiffres reçu par e-mail ou généré par votre application d’authentification, puis cliquez sur Vérifier.',
  backupHint: 'Vous pouvez aussi saisir un code de secours.',
  codeLabel: 'Code d’authentification',
  verify: 'Vérifier',
  sendEmail: 'Recevoir un code par e-mail',
  sendText: 'Recevoir un code par SMS',
  emailSent: (a) => `Nous avons envoyé un code à six chiffres à ${a['sentTo']}.`,
  useKey: 'Utiliser une clé de sécurité',
  keyNoAnswer: 'La clé de sécurité n’a pas répondu. Réessayez ou saisissez un code.',
  remember: (a, f) =>
    `Faire confiance à ce navigateur pendant ${num(a, 'days')} ${plural(num(a, 'days'), f, 'jour', 'jours')}`,
  signedIn: 'Connecté.',
  retryIn: (a, f) => `Vous pourrez réessayer dans ${f.clock(num(a, 'retryMs'))}.`,
  retryNow: 'Vous pouvez réessayer.',
  settingsTitle: 'Authentification à deux facteurs (2FA)',
  email: 'Authentification par e-mail',
  totp: 'Authentification par application',
  webauthn: 'Clés de sécurité',
  phone: 'Authentification par SMS',
  phoneNumber: 'Numéro de téléphone',
  phoneNote: 'Le SMS est la méthode la plus faible : un numéro peut être transféré sur une autre carte SIM.',
  enabled: 'Activée',
  notSetUp: 'Non configurée',
  setUp: 'Configurer',
  turnOff: 'Désactiver',
  turnedOff: 'Désactivée.',
  turnOffTitle: (a) => `Désactiver : ${a['method']} ?`,
  turnOffIntro:
    'La connexion n’acceptera plus cette méthode. Les navigateurs de confiance devront de nouveau saisir un code.',
  address: 'Adresse e-mail',
  sendCode: 'Envoyer le code',
  enterCode: 'Saisir le code d’authentification',
  emailCodeIntro: (a) => `Saisissez le code à six chiffres envoyé à ${a['sentTo']}.`,
  appCodeIntro: 'Saisissez le code à six chiffres que génère votre application d’authentification.',
  sixDigits: 'Code à six chiffres',
  linkApp: 'Associer l’application à votre compte',
  linkIntro: 'Installez une application d’authentification sur un appareil mobile et scannez le code QR.',
  qr: 'Code QR pour votre application d’authentification',
  secretIntro: 'Le scan ne fonctionne pas ? Saisissez ce code secret dans votre application :',
  next: 'Suivant',
  cancel: 'Annuler',
  close: 'Fermer',
  done: 'Terminé',
  backupCodes: 'Codes de secours',
  remaining: (a, f) =>
    `${num(a, 'remaining')} ${plural(num(a, 'remaining'), f, 'code restant', 'codes restants')} sur ${num(a, 'total')}.`,
  noCodesYet: 'Les codes de secours sont fournis à l’activation d’une méthode.',
  viewCodes: 'Voir les codes de secours',
  regenerate: 'Générer de nouveaux codes',
  regenerateTitle: 'Générer de nouveaux codes de secours ?',
  regenerateIntro:
    'Vos codes de secours actuels, y compris ceux téléchargés ou notés, cesseront de fonctionner.',
  download: 'Télécharger',
  newCodes: 'Vos codes de secours',
  newCodesIntro:
    'La double authentification est activée sur votre compte. Si vous perdez votre appareil, ces codes de secours vous permettront de vous connecter. Sans appareil ni code de secours, vous devrez contacter l’administrateur. Téléchargez-les et gardez-les en lieu sûr.',
  regenerated: 'Nouveaux codes générés : les anciens ne fonctionnent plus.',
  saved: 'J’ai enregistré ces codes',
  codesHidden:
    'Les codes de secours sont conservés hachés : ils n’ont été montrés qu’une fois. Générez-en de nouveaux pour en voir.',
  devices: 'Navigateurs de confiance',
  noDevices: 'Aucun navigateur de confiance.',
  thisBrowser: 'ce navigateur',
  deviceDates: (a, f) =>
    `Utilisé ${f.relative(num(a, 'lastUsedMs'))}, de confiance jusqu’au ${f.date(num(a, 'expiresAt'))}`,
  revoke: 'Révoquer',
  revokeAll: 'Révoquer tous les navigateurs de confiance',
  addKey: 'Ajouter une clé de sécurité',
  keyIntro:
    'Nommez la clé, puis touchez-la (ou utilisez la clé d’accès de l’appareil) quand le navigateur le demande.',
  keyName: 'Nom',
  defaultKeyName: 'Clé de sécurité',
  add: 'Ajouter',
  rename: 'Renommer',
  remove: 'Supprimer',
  save: 'Enregistrer',
  keyCount: (a, f) => `${num(a, 'n')} ${plural(num(a, 'n'), f, 'clé', 'clés')}`,
  keyDates: (a, f) =>
    `Ajoutée le ${f.date(num(a, 'createdAt'))}, ${a['lastUsedMs'] === '' ? 'jamais utilisée' : `utilisée ${f.relative(num(a, 'lastUsedMs'))}`}`,
  stepUp: 'Confirmez votre identité',
  stepUpIntro:
    'Saisissez un code de votre application, de votre e-mail ou un code de secours pour continuer.',
  getBackupCode: 'Obtenir un code de secours',
  forUser: (a) => `pour ${a['name']}`,
  adminIntro: (a) =>
    `Générez un code de secours à usage unique pour ${a['name']}. Il ne sert qu’une fois, expire après 30 minutes et cesse de fonctionner si un nouveau code est généré.`,
  generate: 'Générer un code',
  shareCode: 'Copiez le code et transmettez-le à votre agent :',
  copy: 'Copier',
  copied: 'Copié.',
  expires: (a, f) => `Expire à ${f.time(num(a, 'expiresAt'))} (${f.relative(num(a, 'inMs'))}).`,
  reset: 'Réinitialiser la 2FA',
  resetIntro: (a) =>
    `Désactiver toutes les méthodes de ${a['name']}, annuler ses codes de secours et ses navigateurs de confiance, et le déconnecter partout ?`,
  resetDone: 'La double authentification a été réinitialisée.',
  frequency: 'Fréquence de la double authentification à la connexion',
  everyLogin: 'À chaque connexion',
  skipDays: (a) => `Ignorer pendant ${num(a, 'days')} jours (navigateurs de confiance)`,
  frequencyNote: 'Un agent qui efface les cookies ou change de navigateur devra de nouveau saisir un code.',
  policySaved: 'Enregistré.',
  'invalid-code': (a, f) => `Code d’authentification incorrect. ${attempts(num(a, 'attemptsLeft'), f)}.`,
  locked: (a, f) =>
    `Veuillez réessayer ${f.relative(Math.max(1, Math.ceil(num(a, 'retryMs') / 60_000)) * 60_000)}.`,
  'key-refused': (a, f) => `La clé de sécurité a été refusée. ${attempts(num(a, 'attemptsLeft'), f)}.`,
  'unknown-key': 'Cette clé de sécurité n’est pas associée à votre compte.',
  'no-webauthn': 'Aucune clé de sécurité n’est associée à ce compte.',
  'too-many-keys': (a) =>
    `Vous avez ${a['maxKeys']} clés de sécurité, le maximum. Supprimez-en une pour en ajouter une autre.`,
  'challenge-ended': 'Trop de tentatives échouées. Veuillez vous reconnecter.',
  expired: 'Ce code a expiré. Veuillez recommencer.',
  'unknown-challenge': 'Cette connexion n’est plus valable. Veuillez vous reconnecter.',
  'session-ended': 'Trop de tentatives échouées. Vous avez été déconnecté : veuillez vous reconnecter.',
  cooldown: (a, f) => {
    const seconds = Math.ceil(num(a, 'retryMs') / 1000);
    return `Veuillez patienter ${seconds} ${plural(seconds, f, 'seconde', 'secondes')} avant de demander un autre code.`;
  },
  'no-email': 'Aucune adresse e-mail n’est configurée pour ce compte.',
  'no-phone': 'Aucun numéro de téléphone n’est configuré pour ce compte.',
  'no-pending-setup': 'Rien à confirmer : recommencez la configuration.',
  'not-signed-in': 'Veuillez vous connecter.',
  'second-factor-required': 'Saisissez votre code d’authentification pour continuer.',
  'no-pending-login': 'Veuillez vous reconnecter.',
  'setup-required':
    'Votre organisation exige la double authentification : configurez une méthode pour continuer.',
  'step-up-required': 'Confirmez votre identité : saisissez un code d’authentification pour continuer.',
  'not-authorized': 'Vous n’êtes pas autorisé à faire cela.',
  'not-enabled': 'La double authentification n’est pas configurée pour ce compte.',
  'no-method': 'Configurez d’abord la double authentification sur votre propre compte.',
  'no-step-up': 'Aucun code n’est attendu : recommencez.',
  'not-found': 'Introuvable.',
  csrf: 'Cette requête venait d’un autre site et a été refusée.',
  'json-required': 'Envoyez la requête en JSON.',
  'invalid-json': 'La requête n’est pas du JSON valide.',
  'invalid-input': (a) => `Veuillez vérifier le champ ${a['field'] ?? ''}.`,
  'too-large': 'La requête est trop volumineuse.',
  'bad-request': 'La requête n’a pas pu être lue.',
  'mail-failed': 'L’e-mail n’a pas pu être envoyé. Veuillez réessayer plus tard.',
  'delivery-failed': 'Le code n’a pas pu être envoyé. Veuillez réessayer plus tard.',
  'store-unavailable': 'Le service est indisponible. Veuillez réessayer dans un instant.',
  internal: 'Une erreur est survenue. Veuillez réessayer.',
} satisfies Catalogue & Record<MessageCode | 'key-refused', Text>;
