namespace LeakWatch.Synthetic;

/// <summary>
/// Name lists, most frequent first (the order is the weight: see <see cref="WeightedList"/>). Common French surnames
/// and first names; every person made from them is made up.
/// </summary>
internal static class NameData
{
    /// <summary>Common surnames, roughly in order of frequency in France, with their accents, particles and apostrophes.</summary>
    public static readonly string[] Surnames =
    [
        "MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU", "LAURENT",
        "SIMON", "MICHEL", "LEFEBVRE", "LEROY", "ROUX", "DAVID", "BERTRAND", "MOREL", "FOURNIER", "GIRARD",
        "BONNET", "DUPONT", "LAMBERT", "FONTAINE", "ROUSSEAU", "VINCENT", "MÜLLER", "LEFÈVRE", "FAURE", "ANDRÉ",
        "MERCIER", "BLANC", "GUÉRIN", "BOYER", "GARNIER", "CHEVALIER", "FRANÇOIS", "LEGRAND", "GAUTHIER", "GARCIA",
        "PERRIN", "ROBIN", "CLÉMENT", "MORIN", "NICOLAS", "HENRY", "ROUSSEL", "MATHIEU", "GAUTIER", "MASSON",
        "MARCHAND", "DUVAL", "DENIS", "DUMONT", "MARIE", "LEMAIRE", "NOËL", "MEYER", "DUFOUR", "MEUNIER",
        "BRUN", "BLANCHARD", "GIRAUD", "JOLY", "RIVIÈRE", "LUCAS", "BRUNET", "GAILLARD", "BARBIER", "ARNAUD",
        "MARTINEZ", "GÉRARD", "ROCHE", "RENARD", "SCHMITT", "ROY", "LEROUX", "COLIN", "VIDAL", "CARON",
        "PICARD", "ROGER", "FABRE", "AUBERT", "LEMOINE", "RENAUD", "DUMAS", "LACROIX", "OLIVIER", "PHILIPPE",
        "BOURGEOIS", "PIERRE", "BENOÎT", "REY", "LECLERC", "PAYET", "ROLLAND", "LECLERCQ", "GUILLAUME", "LECOMTE",
        "LOPEZ", "JEAN", "DUPUY", "GUILLOT", "HUBERT", "BERGER", "CARPENTIER", "SANCHEZ", "DUPUIS", "MOULIN",
        "LOUIS", "DESCHAMPS", "HUET", "VASSEUR", "PEREZ", "BOUCHER", "FLEURY", "ROYER", "KLEIN", "JACQUET",
        "ADAM", "PARIS", "POIRIER", "MARTY", "AUBRY", "GUYOT", "CARRÉ", "CHARLES", "RENAULT", "CHARPENTIER",
        "MÉNARD", "MAILLARD", "BARON", "BERTIN", "BAILLY", "HERVÉ", "SCHNEIDER", "FERNANDEZ", "LE GALL", "COLLET",
        "LÉGER", "BOUVIER", "JULIEN", "PRÉVOST", "MILLET", "PERROT", "DANIEL", "LE ROUX", "COUSIN", "GERMAIN",
        "BRETON", "BESSON", "LANGLOIS", "RÉMY", "LE GOFF", "PELLETIER", "LÉVÊQUE", "PERRIER", "LEBLANC", "BARRÉ",
        "LEBRUN", "MARCHAL", "WEBER", "MALLET", "HAMON", "BOULANGER", "JACOB", "MONNIER", "MICHAUD", "RODRIGUEZ",
        "GUICHARD", "GILLET", "ÉTIENNE", "GRONDIN", "POULAIN", "TESSIER", "CHEVALLIER", "COLLIN", "CHAUVIN", "DA SILVA",
        "BOUCHET", "GAY", "LEMAÎTRE", "BÉNARD", "MARÉCHAL", "HUMBERT", "REYNAUD", "ANTOINE", "HOARAU", "PERRET",
        "BARTHÉLÉMY", "CORDIER", "PICHON", "LEJEUNE", "GILBERT", "LAMY", "DELAUNAY", "PASQUIER", "CARLIER", "LAPORTE",
        "GAUDIN", "BRIAND", "LEBON", "LAUNAY", "MAURY", "GOMEZ", "FERRAND", "RAYNAUD", "BOUSQUET", "LECOQ",
        "HARDY", "MARIN", "CARRIER", "LEGROS", "CHARRIER", "MASSE", "TANGUY", "POTIER", "GUIBERT", "BOUCHARD",
        "CHAUVET", "MARCHETTI", "RIGAUD", "BAZIN", "VALLÉE", "BOSSARD", "JOUBERT", "LEBLOND", "DELMAS", "PONS",
        "BIGOT", "FERRY", "ALEXANDRE", "DIDIER", "CLERC", "GEORGES", "LAGARDE", "LE BIHAN", "MAILLOT", "LE CORRE",
        "DUCHÊNE", "BAUDRY", "BESNARD", "NAVARRO", "DESCAMPS", "CHAUVEAU", "LANGLAIS", "BERTHELOT", "BRUNEAU", "GALLAND",
        "DUBOST", "BOULAY", "FOUCHER", "VALENTIN", "TEXIER", "LEROUGE", "MONTAGNE", "TISSOT", "PAUL", "GUILLON",
        "RAYMOND", "DUCROCQ", "JAMET", "LÉONARD", "MARTEL", "TOUSSAINT", "LEMOINE", "DELATTRE", "MOULINIER", "HAMEL",
        "DIALLO", "TRAORÉ", "NGUYEN", "DOS SANTOS", "FERREIRA", "PEREIRA", "RODRIGUES", "BENSAID", "BENALI", "MOHAMED",
        "N'DIAYE", "N'GUESSAN", "D'ALMEIDA", "D'ABOVILLE", "D'ARGENT", "D'HOOGHE", "L'HÉRITIER", "L'HUILLIER", "DE SOUZA", "DE OLIVEIRA",
        "DE LA FONTAINE", "DE LA TOUR", "DE LA ROCHE", "DE SAINT-EXUPÉRY", "DU PONT", "DU BOIS", "DES ROCHES", "DE BRUYNE", "VAN DAMME", "VAN DER BERG",
        "LE BRIS", "LE MOAL", "LE BERRE", "LE FLOCH", "LE GUEN", "LE HIR", "LE MEUR", "LE DUFF", "LE BRAS", "LE NAOUR",
        "KERBRAT", "KERHERVÉ", "QUÉRÉ", "JÉZÉQUEL", "PRIGENT", "CADIOU", "COATANÉA", "GUÉGUEN", "MADEC", "SALAÜN",
        "ŒUVRARD", "CŒURDEROY", "BŒUF", "LŒVENBRUCK", "MŒGLIN", "SŒUR", "VŒLKER", "ÆBERHARD", "SCHŒNFELD", "HŒRTER",
        "MARTIN-DUPONT", "LEFEBVRE-DURAND", "PETIT-JEAN", "GRAND-PIERRE", "SAINT-MARTIN", "SAINT-ANDRÉ", "BON-ENFANT", "BEL-AIR", "GROS-JEAN", "DUMAS-LÉVÊQUE",
        "AUGER", "BLONDEL", "BOUVET", "BRETEL", "CHARLET", "COURTOIS", "DELORME", "DEVAUX", "DROUET", "FAVRE",
        "FOUQUET", "GODARD", "GRENIER", "GUILLEMIN", "HUGUET", "JOLIVET", "LABBÉ", "LAFON", "LAVAL", "LECONTE",
        "LEFORT", "LEMERCIER", "LESAGE", "LOISEAU", "MAHÉ", "MARQUET", "MERLE", "MOINE", "MONTEIL", "NAUDIN",
        "PAGÈS", "PARENT", "PEYRE", "PINEAU", "POMMIER", "PORTIER", "RAULT", "RIBEIRO", "RICHE", "ROUSSET",
        "SALMON", "SAUVAGE", "SERRE", "TARDY", "THIBAULT", "TRICHET", "VALETTE", "VERDIER", "VIAL", "VIGNERON",
        "WAGNER", "ZIMMERMANN", "BECKER", "FISCHER", "HOFFMANN", "KELLER", "KOCH", "LANG", "RICHTER", "WOLFF",
        "ROSSI", "RUSSO", "ESPOSITO", "BIANCHI", "ROMANO", "COLOMBO", "RICCI", "MARINO", "GRECO", "BRUNO",
        "SILVA", "SANTOS", "OLIVEIRA", "SOUSA", "COSTA", "MARTINS", "ALVES", "GONÇALVES", "LOPES", "CARVALHO",
    ];

    /// <summary>Female first names, roughly by frequency across the generations of a lab's patients.</summary>
    public static readonly string[] FemaleFirstNames =
    [
        "Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Françoise", "Martine", "Christine", "Monique", "Sandrine",
        "Nicole", "Valérie", "Sophie", "Stéphanie", "Céline", "Véronique", "Jacqueline", "Chantal", "Anne", "Patricia",
        "Julie", "Aurélie", "Camille", "Laura", "Emma", "Léa", "Chloé", "Manon", "Sarah", "Inès",
        "Jade", "Louise", "Alice", "Lina", "Rose", "Anna", "Mia", "Ambre", "Juliette", "Zoé",
        "Hélène", "Brigitte", "Dominique", "Danielle", "Sabrina", "Émilie", "Élodie", "Mélanie", "Audrey", "Virginie",
        "Caroline", "Laurence", "Corinne", "Pascale", "Florence", "Claire", "Agnès", "Béatrice", "Karine", "Laetitia",
        "Marine", "Pauline", "Mathilde", "Clara", "Lucie", "Océane", "Marion", "Charlotte", "Lola", "Eva",
        "Agathe", "Margaux", "Romane", "Léonie", "Adèle", "Héloïse", "Noémie", "Anaïs", "Maëlys", "Clémence",
        "Josiane", "Ginette", "Yvette", "Madeleine", "Simone", "Denise", "Suzanne", "Paulette", "Odette", "Germaine",
        "Colette", "Huguette", "Jeanne", "Marguerite", "Yvonne", "Lucienne", "Renée", "Andrée", "Thérèse", "Raymonde",
        "Marie-Claire", "Marie-Christine", "Marie-Thérèse", "Marie-Hélène", "Anne-Sophie", "Anne-Marie", "Marie-France", "Marie-José", "Marie-Laure", "Anne-Laure",
        "Marie-Pierre", "Marie-Noëlle", "Marie-Ange", "Rose-Marie", "Marie-Anne", "Marie-Line", "Marie-Paule", "Marie-Jeanne", "Marie-Odile", "Marie-Agnès",
        "Fatima", "Aïcha", "Yasmine", "Myriam", "Samia", "Nadia", "Leïla", "Khadija", "Amina", "Salomé",
        "Zoë", "Maëva", "Gaëlle", "Solène", "Aude", "Blandine", "Bérénice", "Capucine", "Ségolène", "Édith",
        "Éloïse", "Apolline", "Constance", "Victoire", "Joséphine", "Lou", "Nina", "Elsa", "Iris", "Jeanne-Marie",
    ];

    /// <summary>Male first names, roughly by frequency across the generations of a lab's patients.</summary>
    public static readonly string[] MaleFirstNames =
    [
        "Jean", "Philippe", "Michel", "Alain", "Patrick", "Nicolas", "Christophe", "Pierre", "Christian", "Éric",
        "Frédéric", "Laurent", "Stéphane", "David", "Pascal", "Daniel", "Sébastien", "Julien", "Thierry", "Olivier",
        "Bernard", "Thomas", "Alexandre", "Gérard", "Didier", "Dominique", "Vincent", "François", "Bruno", "Guillaume",
        "Gabriel", "Léo", "Raphaël", "Louis", "Arthur", "Jules", "Adam", "Lucas", "Hugo", "Noah",
        "Maël", "Paul", "Nathan", "Ethan", "Théo", "Tom", "Sacha", "Mohamed", "Gabin", "Aaron",
        "Jacques", "André", "René", "Claude", "Robert", "Marcel", "Roger", "Henri", "Georges", "Maurice",
        "Yves", "Jean-Pierre", "Jean-Claude", "Jean-Luc", "Jean-Marc", "Jean-François", "Jean-Paul", "Jean-Louis", "Jean-Michel", "Jean-Jacques",
        "Jean-Baptiste", "Jean-Marie", "Jean-Philippe", "Jean-Christophe", "Pierre-Louis", "Pierre-Yves", "Paul-Henri", "Charles-Édouard", "Louis-Marie", "Marc-Antoine",
        "Anthony", "Kévin", "Romain", "Jérôme", "Cédric", "Arnaud", "Fabrice", "Mickaël", "Yannick", "Ludovic",
        "Benoît", "Grégory", "Mathieu", "Antoine", "Maxime", "Quentin", "Clément", "Florian", "Adrien", "Valentin",
        "Baptiste", "Benjamin", "Victor", "Martin", "Mathis", "Axel", "Enzo", "Noé", "Timéo", "Émile",
        "Lucien", "Marius", "Gaspard", "Augustin", "Basile", "Côme", "Anatole", "Joseph", "Félix", "Léon",
        "Karim", "Mehdi", "Rachid", "Youssef", "Ali", "Omar", "Samir", "Bilal", "Ibrahim", "Moussa",
        "Loïc", "Gaël", "Noël", "Joël", "Raphaël-Marie", "Hervé", "Serge", "Gilles", "Marc", "Franck",
        "Lionel", "Régis", "Denis", "Rémi", "Xavier", "Thibault", "Aurélien", "Damien", "Jonathan", "Yann",
    ];

    /// <summary>Word pieces for the long tail of rarer surnames: a lab's patients are not all MARTIN.</summary>
    public static readonly string[] SurnameRoots =
    [
        "BOIS", "CHAMP", "FONT", "MONT", "VAL", "ROCH", "FAY", "CHAST", "BRUN", "BLANCH", "GRAND", "PETIT", "BEAU",
        "BON", "FER", "MARCH", "PERR", "RIV", "FOUR", "MOUL", "PONT", "CHAUV", "GAL", "GUILL", "HUG", "LAUR", "MAILL",
        "MAZ", "NOG", "PAST", "RAMB", "SAUV", "TAILL", "VERN", "VILL", "COURT", "CROZ", "DEL", "FAV", "GOD", "JOUV",
        "LOMB", "MERC", "PIC", "ROUG", "TESS", "THIB", "BARB", "BERTH", "CHAMB", "CLAV", "DESP", "FOUG", "GIR",
    ];

    public static readonly string[] SurnameEndings =
    [
        "ET", "OT", "IN", "EAU", "IER", "AND", "ARD", "AUD", "OUX", "ON", "AIS", "ERT", "EL", "AT", "ÈRE", "ELLE",
        "IN", "ERON", "ONNET", "AULT", "EY", "Y", "ÉS", "AC", "AN", "ENS",
    ];

    public static readonly string[] SurnameParticles = ["", "", "", "", "", "", "LE ", "LA ", "DE ", "DU ", "DES ", "DE LA ", "D'", "L'"];

    public static readonly (string City, string PostalCode)[] Cities =
    [
        ("PARIS", "75011"), ("PARIS", "75015"), ("PARIS", "75018"), ("PARIS", "75020"), ("MARSEILLE", "13008"), ("LYON", "69003"),
        ("TOULOUSE", "31000"), ("NICE", "06000"), ("NANTES", "44000"), ("MONTPELLIER", "34000"), ("STRASBOURG", "67000"),
        ("BORDEAUX", "33000"), ("LILLE", "59000"), ("RENNES", "35000"), ("REIMS", "51100"), ("TOULON", "83000"),
        ("SAINT-ÉTIENNE", "42000"), ("LE HAVRE", "76600"), ("GRENOBLE", "38000"), ("DIJON", "21000"), ("ANGERS", "49000"),
        ("NÎMES", "30000"), ("VILLEURBANNE", "69100"), ("CLERMONT-FERRAND", "63000"), ("LE MANS", "72000"), ("AIX-EN-PROVENCE", "13100"),
        ("BREST", "29200"), ("TOURS", "37000"), ("AMIENS", "80000"), ("LIMOGES", "87000"), ("ANNECY", "74000"), ("PERPIGNAN", "66000"),
        ("BOULOGNE-BILLANCOURT", "92100"), ("METZ", "57000"), ("BESANÇON", "25000"), ("ORLÉANS", "45000"), ("ROUEN", "76000"),
        ("MULHOUSE", "68100"), ("CAEN", "14000"), ("NANCY", "54000"), ("ARGENTEUIL", "95100"), ("SAINT-DENIS", "93200"),
        ("AJACCIO", "20000"), ("BASTIA", "20200"), ("SAINT-DENIS", "97400"), ("FORT-DE-FRANCE", "97200"), ("POINTE-À-PITRE", "97110"),
        ("QUIMPER", "29000"), ("LORIENT", "56100"), ("VANNES", "56000"), ("SAINT-BRIEUC", "22000"), ("LA ROCHELLE", "17000"),
        ("PAU", "64000"), ("BAYONNE", "64100"), ("AVIGNON", "84000"), ("VALENCE", "26000"), ("CHAMBÉRY", "73000"),
        ("POITIERS", "86000"), ("TROYES", "10000"), ("COLMAR", "68000"), ("CHARTRES", "28000"), ("ÉVREUX", "27000"),
        ("L'HAŸ-LES-ROSES", "94240"), ("CRÉTEIL", "94000"), ("VERSAILLES", "78000"), ("NANTERRE", "92000"), ("ÉVRY-COURCOURONNES", "91000"),
    ];

    public static readonly string[] StreetTypes = ["RUE", "RUE", "RUE", "AVENUE", "BOULEVARD", "CHEMIN", "IMPASSE", "ALLÉE", "PLACE", "ROUTE"];

    public static readonly string[] StreetNames =
    [
        "DES LILAS", "DE LA RÉPUBLIQUE", "VICTOR HUGO", "JEAN JAURÈS", "DU GÉNÉRAL DE GAULLE", "PASTEUR", "DE LA GARE", "DES ÉCOLES",
        "DU MOULIN", "DE L'ÉGLISE", "GAMBETTA", "FOCH", "DES TILLEULS", "DU STADE", "DE LA PAIX", "DES ROSES", "DU CHÂTEAU",
        "SAINT-MICHEL", "DE LA LIBERTÉ", "JULES FERRY", "DES ACACIAS", "DU COMMERCE", "DE VERDUN", "NATIONALE", "D'ALSACE-LORRAINE",
    ];

    public static readonly string[] EmailDomains = ["gmail.com", "orange.fr", "hotmail.fr", "yahoo.fr", "free.fr", "sfr.fr", "laposte.net", "outlook.fr", "wanadoo.fr", "icloud.com"];
}
