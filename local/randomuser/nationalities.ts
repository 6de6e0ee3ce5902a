/**
 * Data pools for the local randomuser.me stand-in. Formats follow what randomuser.me returns per
 * nationality, including its quirks: numeric postcodes for some countries and strings for others, a
 * `null` id value for some, and names in non-Latin scripts (Persian, Ukrainian) with Latin e-mail addresses.
 */
export interface PersonName {
  readonly name: string;
  /** Spelling used in the e-mail address when the name itself is not Latin. */
  readonly latin?: string;
}

export interface Nationality {
  readonly code: string;
  readonly country: string;
  readonly male: readonly PersonName[];
  readonly female: readonly PersonName[];
  readonly last: readonly PersonName[];
  readonly streets: readonly string[];
  readonly places: readonly { readonly city: string; readonly state: string }[];
  /** '#' = digit, 'A' = upper-case letter; `numeric` postcodes are sent as JSON numbers. */
  readonly postcode: { readonly pattern: string; readonly numeric: boolean };
  readonly phone: string;
  readonly cell: string;
  readonly id: { readonly name: string; readonly pattern: string | null };
}

const n = (...names: string[]): PersonName[] => names.map((name) => ({ name }));

export const NATIONALITIES: readonly Nationality[] = [
  {
    code: 'US',
    country: 'United States',
    male: n('James', 'Louis', 'Brandon', 'Terrance', 'Clinton'),
    female: n('Jennie', 'Sophia', 'Kaylee', 'Maxine', 'Della'),
    last: n('Ross', 'Hughes', 'Fowler', 'Wheeler', 'Castillo'),
    streets: ['Pecan Acres Ln', 'Country Club Rd', 'Lakeview St', 'Mockingbird Hill'],
    places: [
      { city: 'Flint', state: 'Michigan' },
      { city: 'Fresno', state: 'California' },
      { city: 'Tallahassee', state: 'Florida' },
    ],
    postcode: { pattern: '#####', numeric: true },
    phone: '(###) ###-####',
    cell: '(###) ###-####',
    id: { name: 'SSN', pattern: '###-##-####' },
  },
  {
    code: 'CA',
    country: 'Canada',
    male: n('Liam', 'Logan', 'Mathis', 'Noah'),
    female: n('Chloe', 'Léa', 'Maëlle', 'Olivia'),
    last: n('Tremblay', 'Gagné', 'Roy', 'Côté', 'Martin'),
    streets: ['Parliament St', 'Dufferin St', 'Lakeshore Rd', 'Rue Principale'],
    places: [
      { city: 'Edmonton', state: 'Alberta' },
      { city: 'Trois-Rivières', state: 'Québec' },
      { city: 'Victoria', state: 'British Columbia' },
    ],
    postcode: { pattern: 'A#A #A#', numeric: false },
    phone: '###-###-####',
    cell: '###-###-####',
    id: { name: 'SIN', pattern: '### ### ###' },
  },
  {
    code: 'GB',
    country: 'United Kingdom',
    male: n('Harry', 'Oliver', 'Callum', 'Rhys'),
    female: n('Amelia', 'Isla', 'Megan', 'Siobhan'),
    last: n('Smith', "O'Connor", 'Walker', 'Ellis'),
    streets: ['Church Lane', 'Grange Road', 'The Crescent', 'Victoria Street'],
    places: [
      { city: 'Bradford', state: 'West Yorkshire' },
      { city: 'Swansea', state: 'Gwynedd County' },
      { city: 'Bath', state: 'Somerset' },
    ],
    postcode: { pattern: 'A# #AA', numeric: false },
    phone: '01###-######',
    cell: '07###-######',
    id: { name: 'NINO', pattern: 'AA ## ## ## A' },
  },
  {
    code: 'DE',
    country: 'Germany',
    male: n('Jürgen', 'Jörg', 'Lukas', 'Maximilian'),
    female: n('Jana', 'Sönke', 'Käthe', 'Marlene'),
    last: n('Müller', 'Schröder', 'Weiß', 'Krämer', 'Groß'),
    streets: ['Mühlenweg', 'Schillerstraße', 'Am Bahnhof', 'Lindenstraße'],
    places: [
      { city: 'Görlitz', state: 'Sachsen' },
      { city: 'Köln', state: 'Nordrhein-Westfalen' },
      { city: 'Lübeck', state: 'Schleswig-Holstein' },
    ],
    postcode: { pattern: '#####', numeric: true },
    phone: '0###-#######',
    cell: '01##-#######',
    id: { name: 'SVNR', pattern: '## ###### A ###' },
  },
  {
    code: 'FR',
    country: 'France',
    male: n('Théo', 'Noël', 'Mathéo', 'Jérôme'),
    female: n('Léa', 'Gaëlle', 'Chloé', 'Anaïs'),
    last: n('Lefèvre', 'Girard', 'Dubois', 'Bérénger'),
    streets: ['Rue de la Mairie', "Place de l'Abbé-Jean-Lebeuf", 'Rue Dumenge', 'Avenue du Château'],
    places: [
      { city: 'Nîmes', state: 'Gard' },
      { city: 'Orléans', state: 'Loiret' },
      { city: 'Besançon', state: 'Doubs' },
    ],
    postcode: { pattern: '#####', numeric: true },
    phone: '0#-##-##-##-##',
    cell: '06-##-##-##-##',
    id: { name: 'INSEE', pattern: '# ## ## ##### ### ##' },
  },
  {
    code: 'ES',
    country: 'Spain',
    male: n('José', 'Andrés', 'Iñigo', 'Raúl'),
    female: n('Sofía', 'María', 'Begoña', 'Inés'),
    last: n('Muñoz', 'Gómez', 'Núñez', 'Ibáñez'),
    streets: ['Calle de Atocha', 'Avenida de Andalucía', 'Calle de Segovia', 'Paseo de Extremadura'],
    places: [
      { city: 'Alcobendas', state: 'Comunidad de Madrid' },
      { city: 'Logroño', state: 'La Rioja' },
      { city: 'Cádiz', state: 'Andalucía' },
    ],
    postcode: { pattern: '#####', numeric: true },
    phone: '9##-###-###',
    cell: '6##-###-###',
    id: { name: 'DNI', pattern: '########-A' },
  },
  {
    code: 'TR',
    country: 'Turkey',
    male: n('Çağan', 'Ömer', 'Doğan', 'İsmail'),
    female: n('Şeyma', 'Gülşen', 'Özge', 'Ayşe'),
    last: n('Yıldız', 'Öztürk', 'Çelik', 'Erdoğan'),
    streets: ['Atatürk Sk', 'Necatibey Cd', 'Talak Göktepe Cd', 'Kushimoto Sk'],
    places: [
      { city: 'Eskişehir', state: 'Kütahya' },
      { city: 'İzmir', state: 'Manisa' },
      { city: 'Muğla', state: 'Aydın' },
    ],
    postcode: { pattern: '#####', numeric: true },
    phone: '(###)-###-####',
    cell: '(###)-###-####',
    id: { name: '', pattern: null },
  },
  {
    code: 'NO',
    country: 'Norway',
    male: n('Bjørn', 'Håkon', 'Øystein', 'Sverre'),
    female: n('Åse', 'Sølvi', 'Ingrid', 'Thea'),
    last: n('Sæther', 'Østby', 'Haugland', 'Bråthen'),
    streets: ['Bjørnstjerne Bjørnsons gate', 'Sandakerveien', 'Tårnveien', 'Fjellveien'],
    places: [
      { city: 'Tromsø', state: 'Troms' },
      { city: 'Bærum', state: 'Akershus' },
      { city: 'Ålesund', state: 'Møre og Romsdal' },
    ],
    postcode: { pattern: '0###', numeric: false },
    phone: '########',
    cell: '4#######',
    id: { name: 'FN', pattern: '###########' },
  },
  {
    code: 'IR',
    country: 'Iran',
    male: [
      { name: 'آرمین', latin: 'armin' },
      { name: 'محمدطاها', latin: 'mohammadtaha' },
      { name: 'امیرعلی', latin: 'amirali' },
    ],
    female: [
      { name: 'نرگس', latin: 'narges' },
      { name: 'یسنا', latin: 'yasna' },
      { name: 'هستی', latin: 'hasti' },
    ],
    last: [
      { name: 'محمدی', latin: 'mohammadi' },
      { name: 'کامروا', latin: 'kamrava' },
      { name: 'رضایی', latin: 'rezaei' },
    ],
    streets: ['میدان 7 تیر', 'شهید اکبر وصالی', 'پارک 17 شهریور'],
    places: [
      { city: 'تهران', state: 'تهران' },
      { city: 'اصفهان', state: 'اصفهان' },
      { city: 'شیراز', state: 'فارس' },
    ],
    postcode: { pattern: '#####', numeric: true },
    phone: '0##-########',
    cell: '09##-###-####',
    id: { name: '', pattern: null },
  },
  {
    code: 'UA',
    country: 'Ukraine',
    male: [
      { name: 'Олег', latin: 'oleg' },
      { name: 'Ярослав', latin: 'yaroslav' },
      { name: 'Богдан', latin: 'bogdan' },
    ],
    female: [
      { name: 'Оксана', latin: 'oksana' },
      { name: 'Злата', latin: 'zlata' },
      { name: 'Їржина', latin: 'yirzhina' },
    ],
    last: [
      { name: 'Шевченко', latin: 'shevchenko' },
      { name: 'Коваль', latin: 'koval' },
      { name: 'Бондаренко', latin: 'bondarenko' },
    ],
    streets: ['Хрещатик', 'Підгірна', 'Січових Стрільців'],
    places: [
      { city: 'Київ', state: 'Київська' },
      { city: 'Львів', state: 'Львівська' },
      { city: 'Одеса', state: 'Одеська' },
    ],
    postcode: { pattern: '#####', numeric: true },
    phone: '(0##) ###-####',
    cell: '(09#) ###-####',
    id: { name: '', pattern: null },
  },
  {
    code: 'BR',
    country: 'Brazil',
    male: n('João', 'Caio', 'Anderson', 'Luís'),
    female: n('Conceição', 'Lívia', 'Élida', 'Valéria'),
    last: n('Araújo', 'Conceição', 'Peixoto', 'Fogaça'),
    streets: ['Rua São Sebastiao', 'Rua Paraná', 'Rua Santa Luzia', 'Rua Principal'],
    places: [
      { city: 'Itapevi', state: 'Paraná' },
      { city: 'Santa Maria', state: 'Rio Grande do Sul' },
      { city: 'Maracanaú', state: 'Ceará' },
    ],
    postcode: { pattern: '#####', numeric: true },
    phone: '(##) ####-####',
    cell: '(##) #####-####',
    id: { name: 'CPF', pattern: '###.###.###-##' },
  },
  {
    code: 'NL',
    country: 'Netherlands',
    male: n('Sem', 'Daan', 'Joël', 'Bram'),
    female: n('Femke', 'Loïs', 'Noëlle', 'Sanne'),
    last: n('van der Berg', 'de Vries', 'Bakker', "van 't Hek"),
    streets: ['Bisschop Hamerstraat', 'Kerkstraat', 'Hoofdweg', 'Dorpsstraat'],
    places: [
      { city: 'Zevenhuizen', state: 'Zuid-Holland' },
      { city: 'Ermelo', state: 'Gelderland' },
      { city: 'Venlo', state: 'Limburg' },
    ],
    postcode: { pattern: '#### AA', numeric: false },
    phone: '(###) ###-####',
    cell: '(06) ########',
    id: { name: 'BSN', pattern: '########' },
  },
  {
    code: 'IE',
    country: 'Ireland',
    male: n('Louis', 'Seán', 'Cillian', 'Ciarán'),
    female: n('Aoife', 'Siobhán', 'Niamh', 'Gráinne'),
    last: n('Ross', "O'Brien", 'Ó Súilleabháin', 'Kelly'),
    streets: ['Grafton Street', 'Dame Street', "St. Patrick's Road", 'Main Street'],
    places: [
      { city: 'Ballina', state: 'Laois' },
      { city: 'Tullamore', state: 'Offaly' },
      { city: 'Galway', state: 'Galway City' },
    ],
    postcode: { pattern: '#####', numeric: true },
    phone: '0##-###-####',
    cell: '08#-###-####',
    id: { name: 'PPS', pattern: '#######A' },
  },
];

export const TITLES = { male: ['Mr'], female: ['Ms', 'Mrs', 'Miss'] } as const;

export const USERNAME_ADJECTIVES = [
  'purple',
  'tiny',
  'silver',
  'happy',
  'brown',
  'lazy',
  'heavy',
  'crazy',
] as const;
export const USERNAME_NOUNS = ['swan', 'koala', 'rabbit', 'tiger', 'fish', 'duck', 'lion', 'goose'] as const;
export const PASSWORDS = [
  'starwars',
  'dragon',
  'sunshine',
  'letmein',
  'qwerty',
  'monkey',
  'trustno1',
] as const;

export const TIMEZONES = [
  { offset: '-10:00', description: 'Hawaii' },
  { offset: '-5:00', description: 'Eastern Time (US & Canada), Bogota, Lima' },
  { offset: '0:00', description: 'Western Europe Time, London, Lisbon, Casablanca' },
  { offset: '+1:00', description: 'Brussels, Copenhagen, Madrid, Paris' },
  { offset: '+3:30', description: 'Tehran' },
  { offset: '+5:45', description: 'Kathmandu' },
  { offset: '+9:30', description: 'Adelaide, Darwin' },
] as const;
