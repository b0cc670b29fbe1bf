import { ean13CheckDigit } from '../modules/catalog/catalog-rules.js'

export { ean13CheckDigit }

export function isValidEan13(barcode: string): boolean {
  return /^\d{13}$/.test(barcode) && ean13CheckDigit(barcode.slice(0, 12)) === Number(barcode[12])
}

// GS1 prefix 200 is for restricted in-store numbering, so demo barcodes can never collide with
// a real product someone scans at the counter.
function demoBarcode(sequence: number): string {
  const first12 = `200${String(sequence).padStart(9, '0')}`
  return `${first12}${ean13CheckDigit(first12)}`
}

const VAT_STANDARD = 2000
const VAT_INTERMEDIATE = 1000 // French rate for live plants and seeds
const VAT_REDUCED = 550 // food and books

export const CATEGORIES = [
  { slug: 'clothing', name: 'Clothing', defaultTaxRateBp: VAT_STANDARD },
  { slug: 'shoes-accessories', name: 'Shoes & accessories', defaultTaxRateBp: VAT_STANDARD },
  { slug: 'home', name: 'Home & living', defaultTaxRateBp: VAT_STANDARD },
  { slug: 'kitchen', name: 'Kitchen & tableware', defaultTaxRateBp: VAT_STANDARD },
  { slug: 'fine-foods', name: 'Fine foods', defaultTaxRateBp: VAT_REDUCED },
  { slug: 'beauty', name: 'Beauty & care', defaultTaxRateBp: VAT_STANDARD },
  { slug: 'plants-garden', name: 'Plants & garden', defaultTaxRateBp: VAT_INTERMEDIATE },
  { slug: 'books-stationery', name: 'Books & stationery', defaultTaxRateBp: VAT_STANDARD },
] as const

type CategorySlug = (typeof CATEGORIES)[number]['slug']

export interface VariantSeed {
  sku: string
  barcode: string
  title: string
  priceMinor: number
  taxRateBp: number
  position: number
}

export interface ProductSeed {
  slug: string
  title: string
  description: string
  categorySlug: CategorySlug
  variants: VariantSeed[]
}

/** One value of a variant axis: SKU code, customer-facing label, and surcharge on the base price. */
type Choice = readonly [code: string, label: string, surchargeMinor?: number]

function opt(code: string, label: string, surchargeMinor = 0): Choice {
  return [code, label, surchargeMinor]
}

/** Labels whose first three letters are distinct within the axis, e.g. colours. */
function named(...labels: string[]): Choice[] {
  return labels.map((label) => [
    label
      .replace(/[^A-Za-z]/g, '')
      .slice(0, 3)
      .toUpperCase(),
    label,
  ])
}

function sizes(...labels: string[]): Choice[] {
  return labels.map((label) => [label.replace(/[^A-Za-z0-9]/g, '').toUpperCase(), label])
}

/** Variants are every combination of the axes' choices; taxRateBp overrides the category's. */
function item(skuPrefix: string, title: string, basePriceMinor: number, axes: Choice[][], taxRateBp?: number) {
  return { skuPrefix, title, basePriceMinor, axes, taxRateBp }
}

type ProductSpec = ReturnType<typeof item>

function cartesian(axes: Choice[][]): Choice[][] {
  return axes.reduce<Choice[][]>((combos, axis) => combos.flatMap((combo) => axis.map((c) => [...combo, c])), [[]])
}

function slugify(title: string): string {
  return title
    .normalize('NFD')
    .replace(/[\u0300-\u036f'’]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
}

const SPECS: Record<CategorySlug, ProductSpec[]> = {
  clothing: [
    item('TSH-ORG', 'Organic cotton T-shirt', 1990, [named('Navy', 'White', 'Sage'), sizes('S', 'M', 'L', 'XL')]),
    item('MAR-STR', 'Breton striped top', 3990, [named('Navy stripe', 'Red stripe'), sizes('XS', 'S', 'M', 'L')]),
    item('PUL-MER', 'Merino crew-neck sweater', 7900, [named('Grey', 'Navy', 'Camel'), sizes('S', 'M', 'L')]),
    item('CHE-LIN', 'Washed linen shirt', 5900, [named('White', 'Sky blue'), sizes('S', 'M', 'L', 'XL')]),
    item('JEA-DRO', 'Straight-leg jeans', 6900, [named('Indigo', 'Black'), sizes('W28', 'W30', 'W32', 'W34')]),
    item('SWE-CAP', 'Hooded sweatshirt', 5500, [named('Heather grey', 'Black'), sizes('S', 'M', 'L')]),
    item('BON-LAI', 'Ribbed wool beanie', 1900, [named('Mustard', 'Navy', 'Charcoal', 'Rust')]),
    item('CIR-PEC', 'Hooded raincoat', 8900, [named('Yellow', 'Navy'), sizes('S', 'M', 'L')]),
  ],
  'shoes-accessories': [
    item('BAS-TOI', 'Canvas sneakers', 4900, [named('White', 'Navy'), sizes('38', '39', '40', '41', '42', '43', '44')]),
    item('CEI-CUI', 'Leather belt', 3500, [named('Brown', 'Black'), sizes('85 cm', '95 cm', '105 cm')]),
    item('TOT-COT', 'Heavy cotton tote bag', 1200, [named('Natural', 'Black')]),
    item('ECH-LAI', 'Lambswool scarf', 3900, [named('Tartan', 'Grey', 'Bordeaux')]),
    item('CHA-SPO', 'Sport socks, pack of 3', 1290, [sizes('35-38', '39-42', '43-46')]),
    item('LUN-ACE', 'Acetate sunglasses', 6900, [named('Black', 'Tortoise')]),
  ],
  home: [
    item('HOU-LIN', 'Washed linen duvet cover', 8900, [
      named('White', 'Sand'),
      [opt('140X200', '140 × 200 cm'), opt('240X220', '240 × 220 cm', 3000), opt('260X240', '260 × 240 cm', 5000)],
    ]),
    item('SER-NID', 'Waffle-weave towel', 990, [
      named('White', 'Sage'),
      [opt('HAND', 'Hand towel'), opt('BATH', 'Bath towel', 1000), opt('SHEET', 'Bath sheet', 2000)],
    ]),
    item('BOU-PAR', 'Scented candle', 2400, [named('Fig leaf', 'Cedarwood', 'Orange blossom')]),
    item('VAS-GRE', 'Stoneware vase', 2900, [named('Chalk', 'Slate'), [opt('S', 'Small'), opt('L', 'Large', 2000)]]),
    item('PLA-LAI', 'Wool throw', 5900, [named('Oatmeal', 'Forest green', 'Terracotta')]),
    item('HOU-COU', 'Linen cushion cover', 1900, [
      named('Ochre', 'Sage', 'Natural'),
      [opt('40', '40 × 40 cm'), opt('50', '50 × 50 cm', 600)],
    ]),
    item('LAM-TAB', 'Pleated table lamp', 7900, [named('Brass', 'Black')]),
    item('PAN-JON', 'Seagrass basket', 1900, [[opt('S', 'Small'), opt('M', 'Medium', 600), opt('L', 'Large', 1200)]]),
  ],
  kitchen: [
    item('COC-FON', 'Cast-iron casserole', 12900, [
      named('Cherry red', 'Black'),
      [opt('20', '20 cm'), opt('24', '24 cm', 3000), opt('28', '28 cm', 6000)],
    ]),
    item('COU-CHE', "Chef's knife", 5900, [[opt('15', '15 cm'), opt('20', '20 cm', 1500)]]),
    item('CAF-PIS', 'French press', 2900, [[opt('350ML', '350 ml'), opt('1L', '1 l', 1000)]]),
    item('MUG-GRE', 'Stoneware mug', 890, [named('Blue', 'Cream', 'Green', 'Rust')]),
    item('TOR-LIN', 'Linen tea towel', 1290, [named('Red stripe', 'Blue stripe', 'Natural')]),
    item('BOC-VER', 'Glass storage jar', 490, [[opt('05L', '0.5 l'), opt('1L', '1 l', 200), opt('15L', '1.5 l', 400)]]),
    item('PLA-OLI', 'Olive wood board', 2500, [[opt('S', 'Small'), opt('M', 'Medium', 1000), opt('L', 'Large', 2000)]]),
    item('POE-INO', 'Stainless steel frying pan', 4900, [[opt('24', '24 cm'), opt('28', '28 cm', 1000)]]),
  ],
  'fine-foods': [
    item('CAF-MOU', 'Ground coffee', 790, [
      named('Espresso', 'Filter'),
      [opt('250G', '250 g'), opt('1KG', '1 kg', 1900)],
    ]),
    item('THE-VRA', 'Loose-leaf tea', 1090, [named('Earl grey', 'Green jasmine', 'Rooibos')]),
    item('CAR-BEU', 'Salted butter caramels', 650, [[opt('150G', '150 g'), opt('300G', '300 g', 550)]]),
    item('MOU-DIJ', 'Dijon mustard', 390, [named('Classic', 'Wholegrain', 'Tarragon')]),
    item('HUI-OLI', 'Extra virgin olive oil', 1490, [[opt('50CL', '50 cl'), opt('1L', '1 l', 1100)]]),
    item('CHO-TAB', 'Chocolate bar', 450, [
      [opt('D70', 'Dark 70%'), opt('D85', 'Dark 85%'), opt('MHZ', 'Milk hazelnut', 50)],
    ]),
    item('SEL-GUE', 'Fleur de sel de Guérande', 590, [[opt('125G', '125 g'), opt('250G', '250 g', 400)]]),
    item('CON-ART', 'Artisan jam', 590, [named('Apricot', 'Strawberry', 'Fig')]),
    item('GAL-BRE', 'Breton butter galettes', 350, [[opt('125G', '125 g'), opt('TIN', 'Gift tin, 500 g', 1150)]]),
  ],
  beauty: [
    item('SAV-MAR', 'Savon de Marseille', 490, [named('Olive', 'Lavender', 'Verbena')]),
    item('CRE-MAI', 'Hand cream', 690, [[opt('30ML', '30 ml'), opt('75ML', '75 ml', 600)]]),
    item('SHA-SOL', 'Solid shampoo bar', 990, [named('Normal hair', 'Dry hair', 'Oily hair')]),
    item('EAU-COL', 'Eau de Cologne', 2900, [[opt('100ML', '100 ml'), opt('200ML', '200 ml', 1600)]]),
  ],
  'plants-garden': [
    item('OLI-POT', 'Potted olive tree', 3900, [[opt('60', '60 cm'), opt('100', '100 cm', 5000)]]),
    item('MON-DEL', 'Monstera deliciosa', 1990, [[opt('14', '14 cm pot'), opt('21', '21 cm pot', 2000)]]),
    item('LAV-POT', 'Lavender', 690, [[opt('1', 'Single pot'), opt('3', 'Set of 3', 1100)]]),
    item('GRA-POT', 'Organic vegetable seeds', 290, [named('Tomato', 'Basil', 'Radish')]),
    // The pot is not a plant, so it carries the standard rate.
    item('POT-TER', 'Terracotta pot', 990, [sizes('17 cm', '25 cm', '35 cm')], VAT_STANDARD),
  ],
  'books-stationery': [
    item('CAR-NOT', 'A5 notebook', 1290, [named('Lined', 'Dotted', 'Plain')]),
    item('LIV-CUI', 'French home cooking', 2900, [[opt('PB', 'Paperback'), opt('HB', 'Hardcover', 1500)]], VAT_REDUCED),
    item('STY-PLU', 'Fountain pen', 2400, [named('Black', 'Blue'), [opt('F', 'Fine nib'), opt('M', 'Medium nib')]]),
    item('CAR-POS', 'Illustrated postcard set', 1200, [[opt('PAR', 'Paris'), opt('LYO', 'Lyon')]]),
  ],
}

const DESCRIPTIONS: Record<string, string> = {
  'TSH-ORG': 'Heavyweight 180 g/m² organic cotton jersey, straight cut, made in Portugal.',
  'MAR-STR': 'The classic marinière in thick cotton, with a boat neck and three-quarter sleeves.',
  'PUL-MER': 'Fine-gauge extra-fine merino: warm without bulk, machine washable at 30 °C.',
  'CHE-LIN': 'Stonewashed French flax linen that gets softer with every wash.',
  'JEA-DRO': '13 oz selvedge denim with five pockets and a button fly.',
  'SWE-CAP': 'Brushed-back organic fleece with a double-layer hood and a kangaroo pocket.',
  'BON-LAI': 'Chunky rib knit in recycled wool, one size.',
  'CIR-PEC': 'Waterproof coated cotton with taped seams, after the Breton fisherman classic.',
  'BAS-TOI': 'Vulcanised natural rubber sole and organic cotton canvas upper.',
  'CEI-CUI': 'Vegetable-tanned full-grain leather with a solid brass buckle.',
  'TOT-COT': 'Sturdy 340 g/m² canvas tote with an inside pocket.',
  'ECH-LAI': 'Woven in Scotland from soft lambswool, 180 × 30 cm.',
  'CHA-SPO': 'Combed cotton with a cushioned sole and reinforced heel.',
  'LUN-ACE': 'Round acetate frame with category 3 UV400 lenses.',
  'HOU-LIN': 'Pure French linen, stonewashed, with a button closure.',
  'SER-NID': 'Quick-drying honeycomb cotton, light and absorbent.',
  'BOU-PAR': 'Rapeseed wax in a glass jar, about 40 hours of burn time.',
  'VAS-GRE': 'Hand-thrown stoneware with a matt glaze, watertight.',
  'PLA-LAI': 'Lambswool throw with fringed edges, 130 × 180 cm.',
  'HOU-COU': 'Washed linen with a hidden zip; insert sold separately.',
  'LAM-TAB': 'Metal base and pleated cotton shade; E27 bulb not included.',
  'PAN-JON': 'Hand-woven seagrass with carry handles.',
  'COC-FON': 'Enamelled cast iron for slow cooking, suitable for every hob including induction.',
  'COU-CHE': 'Forged stainless steel blade with an olive wood handle.',
  'CAF-PIS': 'Borosilicate glass and stainless steel; coffee in four minutes.',
  'MUG-GRE': 'Reactive glaze, so no two are alike. 330 ml, dishwasher safe.',
  'TOR-LIN': 'Lint-free linen, 50 × 70 cm.',
  'BOC-VER': 'Swing-top jar with a rubber seal.',
  'PLA-OLI': 'Cut from a single piece of olive wood; every grain pattern is unique.',
  'POE-INO': 'Tri-ply stainless steel, oven safe up to 260 °C.',
  'CAF-MOU': 'Roasted in small batches in Lyon from Brazilian and Ethiopian beans.',
  'THE-VRA': '100 g of whole leaves in a resealable tin.',
  'CAR-BEU': 'Made with Breton butter and Guérande sea salt.',
  'MOU-DIJ': 'Stone-ground in Burgundy, 210 g jar.',
  'HUI-OLI': 'Cold-pressed Provençal olive oil, AOP.',
  'CHO-TAB': 'Bean-to-bar chocolate, 100 g.',
  'SEL-GUE': 'Hand-harvested in the salt marshes of Guérande.',
  'CON-ART': 'Cooked in copper pans, 65% fruit, 320 g.',
  'GAL-BRE': 'Thin, crisp pure-butter biscuits.',
  'SAV-MAR': 'Cauldron-made cube of soap, 72% vegetable oils.',
  'CRE-MAI': 'Shea butter and sweet almond oil; absorbs quickly.',
  'SHA-SOL': 'Plastic-free shampoo, about 50 washes.',
  'EAU-COL': 'Fresh citrus and neroli, made in Grasse.',
  'OLI-POT': 'Hardy olive tree for a sunny balcony, in its nursery pot.',
  'MON-DEL': 'Easy-going houseplant for bright, indirect light.',
  'LAV-POT': 'Lavandula angustifolia: fragrant and drought-tolerant.',
  'GRA-POT': 'Organic, open-pollinated seeds from a French grower.',
  'POT-TER': 'Frost-resistant terracotta with a drainage hole.',
  'CAR-NOT': 'Lay-flat binding, 192 pages of 90 g/m² paper.',
  'LIV-CUI': 'Two hundred everyday French recipes, illustrated.',
  'STY-PLU': 'Steel nib; takes standard international cartridges.',
  'CAR-POS': 'Twelve illustrated postcards of the city.',
}

function buildCatalog(): ProductSeed[] {
  let barcodeSequence = 0
  return CATEGORIES.flatMap((category) =>
    SPECS[category.slug].map((spec) => ({
      slug: slugify(spec.title),
      title: spec.title,
      description: DESCRIPTIONS[spec.skuPrefix] ?? '',
      categorySlug: category.slug,
      variants: cartesian(spec.axes).map((choices, position) => ({
        sku: [spec.skuPrefix, ...choices.map(([code]) => code)].join('-'),
        barcode: demoBarcode(++barcodeSequence),
        title: choices.map(([, label]) => label).join(' / '),
        priceMinor: choices.reduce((price, [, , surcharge = 0]) => price + surcharge, spec.basePriceMinor),
        taxRateBp: spec.taxRateBp ?? category.defaultTaxRateBp,
        position,
      })),
    })),
  )
}

export const PRODUCTS: readonly ProductSeed[] = buildCatalog()
