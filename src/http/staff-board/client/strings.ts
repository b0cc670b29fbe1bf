/**
 * Every string the staff board shows, in each language it speaks, side by side. Read by the
 * server to write the page (staff-board.page.ts) and by the browser code through `i18n.ts`, so a
 * label exists once per language. Plain data: no DOM here, the server imports it too.
 */
export type BoardLocale = 'en' | 'fr'

export interface BoardStrings {
  /** The Intl locale dates and money are written with. */
  intl: string
  languageName: string
  title: string
  pageTitle: string
  needsJavaScript: string
  changeStore: string
  signOut: string
  signInTitle: string
  email: string
  password: string
  signIn: string
  setPasswordTitle: string
  newPassword: string
  repeatPassword: string
  setPassword: string
  chooseStore: string
  storePickList: string
  languages: string
  columns: { PLACED: string; PREPARING: string; READY_FOR_PICKUP: string }
  nothingHere: string
  pickListTitle: string
  nothingToFetch: string
  qty: string
  item: string
  orders: string
  firstSlot: string
  noPickupSlot: string
  pickupCode: string
  cashReceived: (currencyCode: string) => string
  handOver: string
  arrived: string
  waiting: (minutes: number) => string
  late: string
  atRisk: string
  toPay: string
  paid: string
  items: (count: number) => string
  hidePickList: string
  pickList: (count: number) => string
  startPreparing: string
  markReady: string
  codeIsSixDigits: string
  enterCash: (example: string) => string
  handedOver: (number: string, change: string) => string
  changeDue: (amount: string) => string
  connecting: string
  live: string
  reconnecting: string
  liveStopped: string
  liveRefused: (status: number) => string
  enterEmailAndPassword: string
  signInFailed: string
  staffAccountNeeded: string
  sessionEnded: string
  requestFailed: string
  noAnswer: string
  unreachable: string
  serverAnswered: (status: number) => string
  choosePassword: string
  passwordsDiffer: string
  linkIncomplete: string
  passwordSet: string
  /**
   * The API's refusals the board shows, by code; a code missing here shows the API's own message
   * (written in English), so English needs none.
   */
  userErrors: Partial<Record<string, string>>
}

export const BOARD_STRINGS: Record<BoardLocale, BoardStrings> = {
  en: {
    intl: 'en-GB',
    languageName: 'English',
    title: 'Pickup board',
    pageTitle: 'Pickup board · Comptoir',
    needsJavaScript: 'The pickup board needs JavaScript.',
    changeStore: 'Change store',
    signOut: 'Sign out',
    signInTitle: 'Staff sign-in',
    email: 'Email',
    password: 'Password',
    signIn: 'Sign in',
    setPasswordTitle: 'Set your password',
    newPassword: 'New password',
    repeatPassword: 'Repeat it',
    setPassword: 'Set password',
    chooseStore: 'Choose a store',
    storePickList: 'Store pick list',
    languages: 'Language',
    columns: { PLACED: 'To prepare', PREPARING: 'Preparing', READY_FOR_PICKUP: 'Ready for pickup' },
    nothingHere: 'Nothing here.',
    pickListTitle: 'To fetch for the orders to prepare',
    nothingToFetch: 'Nothing to fetch.',
    qty: 'Qty',
    item: 'Item',
    orders: 'Orders',
    firstSlot: 'First slot',
    noPickupSlot: 'No pickup slot',
    pickupCode: 'Pickup code',
    cashReceived: (currencyCode) => `Cash received (${currencyCode})`,
    handOver: 'Hand over',
    arrived: 'Arrived',
    waiting: (minutes) => `Waiting ${minutes} min`,
    late: 'Late',
    atRisk: 'At risk',
    toPay: 'to pay at the counter',
    paid: 'paid',
    items: (count) => (count === 1 ? '1 item' : `${count} items`),
    hidePickList: 'Hide pick list',
    pickList: (count) => `Pick list (${count})`,
    startPreparing: 'Start preparing',
    markReady: 'Mark ready',
    codeIsSixDigits: 'The pickup code is six digits.',
    enterCash: (example) => `Enter the cash received, e.g. ${example}.`,
    handedOver: (number, change) => `Order #${number} handed over${change}.`,
    changeDue: (amount) => `, change due ${amount}`,
    connecting: 'Connecting…',
    live: 'Live',
    reconnecting: 'Reconnecting…',
    liveStopped: 'Live updates stopped.',
    liveRefused: (status) => `Live updates refused (${status}).`,
    enterEmailAndPassword: 'Enter your email and password.',
    signInFailed: 'Sign-in failed.',
    staffAccountNeeded: 'Sign in with a staff account.',
    sessionEnded: 'Your session has ended. Sign in again.',
    requestFailed: 'The request failed.',
    noAnswer: 'The server sent no answer.',
    unreachable: 'The server cannot be reached. Check the network and try again.',
    serverAnswered: (status) => `The server answered ${status}.`,
    choosePassword: 'Choose a password.',
    passwordsDiffer: 'The two passwords differ.',
    linkIncomplete: 'This link is incomplete. Ask for a new one.',
    passwordSet: 'Your password is set. Sign in with it.',
    userErrors: {},
  },
  fr: {
    intl: 'fr-FR',
    languageName: 'Français',
    title: 'Tableau des retraits',
    pageTitle: 'Tableau des retraits · Comptoir',
    needsJavaScript: 'Le tableau des retraits a besoin de JavaScript.',
    changeStore: 'Changer de magasin',
    signOut: 'Se déconnecter',
    signInTitle: 'Connexion du personnel',
    email: 'E-mail',
    password: 'Mot de passe',
    signIn: 'Se connecter',
    setPasswordTitle: 'Choisissez votre mot de passe',
    newPassword: 'Nouveau mot de passe',
    repeatPassword: 'Répétez-le',
    setPassword: 'Enregistrer le mot de passe',
    chooseStore: 'Choisissez un magasin',
    storePickList: 'Liste de préparation du magasin',
    languages: 'Langue',
    columns: { PLACED: 'À préparer', PREPARING: 'En préparation', READY_FOR_PICKUP: 'Prêtes à retirer' },
    nothingHere: 'Rien ici.',
    pickListTitle: 'À aller chercher pour les commandes à préparer',
    nothingToFetch: 'Rien à aller chercher.',
    qty: 'Qté',
    item: 'Article',
    orders: 'Commandes',
    firstSlot: 'Premier créneau',
    noPickupSlot: 'Sans créneau de retrait',
    pickupCode: 'Code de retrait',
    cashReceived: (currencyCode) => `Espèces reçues (${currencyCode})`,
    handOver: 'Remettre',
    arrived: 'Arrivé',
    waiting: (minutes) => `Attend depuis ${minutes} min`,
    late: 'En retard',
    atRisk: 'À risque',
    toPay: 'à payer au comptoir',
    paid: 'payée',
    items: (count) => (count === 1 ? '1 article' : `${count} articles`),
    hidePickList: 'Masquer la liste',
    pickList: (count) => `Liste de préparation (${count})`,
    startPreparing: 'Commencer la préparation',
    markReady: 'Marquer prête',
    codeIsSixDigits: 'Le code de retrait a six chiffres.',
    enterCash: (example) => `Saisissez les espèces reçues, par ex. ${example}.`,
    handedOver: (number, change) => `Commande n° ${number} remise${change}.`,
    changeDue: (amount) => `, monnaie à rendre ${amount}`,
    connecting: 'Connexion…',
    live: 'En direct',
    reconnecting: 'Reconnexion…',
    liveStopped: 'Les mises à jour en direct sont arrêtées.',
    liveRefused: (status) => `Mises à jour en direct refusées (${status}).`,
    enterEmailAndPassword: 'Saisissez votre e-mail et votre mot de passe.',
    signInFailed: 'La connexion a échoué.',
    staffAccountNeeded: 'Connectez-vous avec un compte du personnel.',
    sessionEnded: 'Votre session est terminée. Reconnectez-vous.',
    requestFailed: 'La requête a échoué.',
    noAnswer: 'Le serveur n’a rien répondu.',
    unreachable: 'Le serveur est injoignable. Vérifiez le réseau et réessayez.',
    serverAnswered: (status) => `Le serveur a répondu ${status}.`,
    choosePassword: 'Choisissez un mot de passe.',
    passwordsDiffer: 'Les deux mots de passe diffèrent.',
    linkIncomplete: 'Ce lien est incomplet. Demandez-en un nouveau.',
    passwordSet: 'Votre mot de passe est enregistré. Connectez-vous avec.',
    userErrors: {
      INVALID_CREDENTIALS: 'E-mail ou mot de passe incorrect.',
      TOO_MANY_ATTEMPTS: 'Trop de tentatives. Réessayez dans quelques minutes.',
      INVALID_PICKUP_CODE: 'Ce code de retrait n’est pas le bon.',
      PICKUP_CODE_LOCKED: 'Trop de codes erronés : demandez le pass de retrait (QR code) au client.',
      INVALID_TRANSITION: 'La commande a changé entre-temps : le tableau se met à jour.',
      ORDER_CLOSED: 'Cette commande est close.',
      HANDOVER_IN_PROGRESS: 'Cette commande est déjà en cours de remise.',
      INSUFFICIENT_TENDER: 'Les espèces reçues ne couvrent pas le total.',
      PAYMENT_FAILED: 'Le paiement a échoué.',
      PAYMENT_REQUIRED: 'Le paiement est requis pour remettre cette commande.',
      NOTHING_LEFT: 'Il ne reste rien à remettre dans cette commande.',
      WEAK_PASSWORD: 'Ce mot de passe est trop faible : choisissez-en un plus long et plus varié.',
      INVALID_RESET_TOKEN: 'Ce lien n’est plus valable. Demandez-en un nouveau.',
    },
  },
}
