import type { TimeRange, WeeklyHours } from '../db/database.js'

export interface StoreSeed {
  code: string
  name: string
  addressLine1: string
  city: string
  postalCode: string
  country: string
  latitude: number
  longitude: number
  timeZone: string
  currencyCode: string
  openingHours: WeeklyHours
  preparationMinutes: number
  slotMinutes: number
  slotCapacity: number
  holdHours: number
  /** Kept at 4 or more everywhere so that the seed's 1..4 unit levels all read as low stock. */
  lowStockThreshold: number
  managerName: string
}

function open(opens: string, closes: string): TimeRange {
  return { opens, closes }
}

/** Same ranges Monday to Saturday unless overridden; Sunday must always be stated. */
function weekly(monToSat: TimeRange[], days: Partial<WeeklyHours> & Pick<WeeklyHours, 'sun'>): WeeklyHours {
  return { mon: monToSat, tue: monToSat, wed: monToSat, thu: monToSat, fri: monToSat, sat: monToSat, ...days }
}

const FRANCE = { country: 'FR', timeZone: 'Europe/Paris', currencyCode: 'EUR' } as const

export const STORES: readonly StoreSeed[] = [
  {
    ...FRANCE,
    code: 'PAR-RIVOLI',
    name: 'Comptoir Rivoli',
    addressLine1: '112 Rue de Rivoli',
    city: 'Paris',
    postalCode: '75001',
    latitude: 48.8596,
    longitude: 2.3455,
    openingHours: weekly([open('10:00', '20:00')], { sun: [open('11:00', '19:00')] }),
    preparationMinutes: 30,
    slotMinutes: 30,
    slotCapacity: 12,
    holdHours: 72,
    lowStockThreshold: 5,
    managerName: 'Camille Martin',
  },
  {
    ...FRANCE,
    code: 'PAR-OBERKAMPF',
    name: 'Comptoir Oberkampf',
    addressLine1: '108 Rue Oberkampf',
    city: 'Paris',
    postalCode: '75011',
    latitude: 48.8655,
    longitude: 2.3782,
    // Late-night shop: Friday and Saturday ranges run past midnight into the next day.
    openingHours: weekly([open('11:00', '22:00')], {
      fri: [open('10:00', '01:00')],
      sat: [open('10:00', '01:00')],
      sun: [open('12:00', '20:00')],
    }),
    preparationMinutes: 20,
    slotMinutes: 30,
    slotCapacity: 8,
    holdHours: 48,
    lowStockThreshold: 4,
    managerName: 'Karim Benali',
  },
  {
    ...FRANCE,
    code: 'PAR-RENNES',
    name: 'Comptoir Rennes-Montparnasse',
    addressLine1: '136 Rue de Rennes',
    city: 'Paris',
    postalCode: '75006',
    latitude: 48.8451,
    longitude: 2.3262,
    openingHours: weekly([open('09:30', '19:30')], { sat: [open('09:30', '20:00')], sun: [] }),
    preparationMinutes: 45,
    slotMinutes: 60,
    slotCapacity: 20,
    holdHours: 72,
    lowStockThreshold: 6,
    managerName: 'Sophie Laurent',
  },
  {
    ...FRANCE,
    code: 'LYO-BELLECOUR',
    name: 'Comptoir Bellecour',
    addressLine1: '58 Rue de la République',
    city: 'Lyon',
    postalCode: '69002',
    latitude: 45.7621,
    longitude: 4.8358,
    openingHours: weekly([open('10:00', '19:30')], { mon: [open('13:00', '19:30')], sun: [open('14:00', '18:00')] }),
    preparationMinutes: 30,
    slotMinutes: 30,
    slotCapacity: 10,
    holdHours: 72,
    lowStockThreshold: 5,
    managerName: 'Julien Moreau',
  },
  {
    ...FRANCE,
    code: 'LYO-PART-DIEU',
    name: 'Comptoir Part-Dieu',
    addressLine1: '17 Rue du Docteur Bouchut',
    city: 'Lyon',
    postalCode: '69003',
    latitude: 45.7609,
    longitude: 4.8556,
    openingHours: weekly([open('09:30', '20:30')], { sun: [open('10:30', '19:00')] }),
    preparationMinutes: 25,
    slotMinutes: 15,
    slotCapacity: 6,
    holdHours: 96,
    lowStockThreshold: 5,
    managerName: 'Léa Girard',
  },
  {
    ...FRANCE,
    code: 'LYO-CROIX-ROUSSE',
    name: 'Comptoir Croix-Rousse',
    addressLine1: '42 Grande Rue de la Croix-Rousse',
    city: 'Lyon',
    postalCode: '69004',
    latitude: 45.7768,
    longitude: 4.8313,
    // Neighbourhood shop that closes for lunch, opens only on Monday afternoon and Sunday morning.
    openingHours: weekly([open('09:30', '12:30'), open('14:00', '19:00')], {
      mon: [open('14:00', '19:00')],
      sun: [open('09:00', '13:00')],
    }),
    preparationMinutes: 60,
    slotMinutes: 60,
    slotCapacity: 5,
    holdHours: 120,
    lowStockThreshold: 4,
    managerName: 'Thomas Roux',
  },
]
