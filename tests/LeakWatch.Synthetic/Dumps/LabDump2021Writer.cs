using System.Globalization;

namespace LeakWatch.Synthetic.Dumps;

/// <summary>
/// A dump shaped like the 2021 file: about 60 columns separated by semicolons, upper case without accents,
/// dd/MM/yyyy dates, prescribing doctor, exam dates and results. Written as the caller's encoding (Windows-1252).
/// </summary>
public static class LabDump2021Writer
{
    private static readonly string[] Exams = ["SEROLOGIE VIH", "CHARGE VIRALE VIH", "MARQUEURS TUMORAUX", "ANALYSE GENETIQUE BRCA1", "NFS", "GLYCEMIE", "TSH", "CRP", "FERRITINE", "HBA1C", "PSA", "BILAN LIPIDIQUE"];
    private static readonly string[] Results = ["NEGATIF", "POSITIF", "NORMAL", "ANORMAL", "A CONTROLER", "EN COURS", "13.2 G/DL", "0.95 G/L", "< 0.1 NG/ML"];
    private static readonly string[] Doctors = ["LEFEVRE", "GARNIER", "FAURE", "ROUSSEL", "BLANCHARD", "GUERIN", "MULLER", "HENRY", "ROUSSEAU", "NICOLAS", "PERRIN", "MOREL", "MATHIEU", "CLEMENT", "GAUTHIER", "DUMONT"];
    private static readonly string[] DoctorFirst = ["PHILIPPE", "ISABELLE", "MICHEL", "CATHERINE", "ALAIN", "SYLVIE", "PATRICK", "NATHALIE", "ERIC", "VALERIE"];
    private static readonly string[] Labs = ["LABO BIO OUEST", "BIOLAB SUD", "LABORATOIRE DES ALPES", "CENTRE BIOLOGIE NORD"];

    public static readonly string[] Header = BuildHeader(LabDump2021Shape.Repeated);

    /// <summary>The header of a dump of <paramref name="shape"/>.</summary>
    public static string[] HeaderOf(LabDump2021Shape shape) => shape == LabDump2021Shape.Repeated ? Header : BuildHeader(shape);

    private static string[] BuildHeader(LabDump2021Shape shape)
    {
        var columns = new List<string>
        {
            "ID_DOSSIER", "IPP_LABO", "CIVILITE", "NOM", "PRENOM", "NOM_NAISSANCE", "SEXE", "DATE_NAISSANCE", "AGE", "NIR",
            "ADRESSE", "CODE_POSTAL", "VILLE", "TELEPHONE", "EMAIL", "MEDECIN_PRESCRIPTEUR", "PRENOM_MEDECIN", "RPPS_MEDECIN",
            "VILLE_MEDECIN", "LABORATOIRE", "SITE", "DATE_PRELEVEMENT", "HEURE_PRELEVEMENT", "DATE_RECEPTION", "DATE_VALIDATION",
            "BIOLOGISTE", "MUTUELLE", "NUM_MUTUELLE", "REGIME", "CAISSE", "URGENT", "A_JEUN", "GROSSESSE", "POIDS", "TAILLE",
        };
        // Codes: headers the scanner does not know, as in dumps whose columns are cryptic, so every code is read.
        var (exam, result) = shape == LabDump2021Shape.UniqueCodes ? ("CODE_BARRE_", "NUM_ACCESSION_") : ("EXAMEN_", "RESULTAT_");
        for (var i = 1; columns.Count < 58; i++)
        {
            columns.Add(exam + i.ToString(CultureInfo.InvariantCulture));
            columns.Add(result + i.ToString(CultureInfo.InvariantCulture));
        }
        // Comments: a free-text column under a header the scanner does not know ("OBS"), so every comment is read.
        columns.Add(shape == LabDump2021Shape.Comments ? "OBS" : "COMMENTAIRE");
        columns.Add("STATUT");
        return [.. columns];
    }

    /// <param name="people">Each row's person, and whether the dump shows a married woman under her usage name.</param>
    /// <param name="shape">What the extra columns hold: repeated exams and results, unique codes, or a free-text comment.</param>
    public static void Write(TextWriter writer, IEnumerable<(SyntheticPatient Person, bool UsageName)> people, int seed, LabDump2021Shape shape = LabDump2021Shape.Repeated)
    {
        var random = new Random(seed);
        var header = HeaderOf(shape);
        writer.Write(string.Join(';', header));
        writer.Write("\r\n");
        var row = new string[Header.Length];
        var dossier = 100000;
        foreach (var (person, usage) in people)
        {
            var sampled = new DateOnly(2020, 1, 1).AddDays(random.Next(0, 500));
            var i = 0;
            row[i++] = (dossier++).ToString(CultureInfo.InvariantCulture);
            row[i++] = "L" + person.Ipp;
            row[i++] = person.Sex == 'F' ? "MME" : "M";
            row[i++] = DumpStyle.Upper(DumpStyle.LastName(person, usage));
            row[i++] = DumpStyle.Upper(DumpStyle.FirstGiven(person));
            row[i++] = DumpStyle.Upper(person.BirthName);
            row[i++] = person.Sex.ToString();
            row[i++] = DumpStyle.Date(person.BirthDate, "dd/MM/yyyy");
            row[i++] = (2020 - person.BirthDate.Year).ToString(CultureInfo.InvariantCulture);
            row[i++] = person.Nir;
            row[i++] = DumpStyle.Upper(person.Address);
            row[i++] = person.PostalCode;
            row[i++] = DumpStyle.Upper(person.City);
            row[i++] = DumpStyle.PhoneDotted(person.Phone);
            row[i++] = person.Email;
            row[i++] = Doctors[random.Next(Doctors.Length)];
            row[i++] = DoctorFirst[random.Next(DoctorFirst.Length)];
            row[i++] = "10" + random.Next(100000000, 999999999).ToString(CultureInfo.InvariantCulture);
            row[i++] = DumpStyle.Upper(person.City);
            row[i++] = Labs[random.Next(Labs.Length)];
            row[i++] = "SITE " + random.Next(1, 9).ToString(CultureInfo.InvariantCulture);
            row[i++] = DumpStyle.Date(sampled, "dd/MM/yyyy");
            row[i++] = random.Next(7, 18).ToString("00", CultureInfo.InvariantCulture) + ":" + random.Next(0, 60).ToString("00", CultureInfo.InvariantCulture);
            row[i++] = DumpStyle.Date(sampled.AddDays(1), "dd/MM/yyyy");
            row[i++] = DumpStyle.Date(sampled.AddDays(2), "dd/MM/yyyy");
            row[i++] = "DR " + Doctors[random.Next(Doctors.Length)];
            row[i++] = random.Next(2) == 0 ? "MGEN" : "HARMONIE";
            row[i++] = random.Next(10000000, 99999999).ToString(CultureInfo.InvariantCulture);
            row[i++] = "GENERAL";
            row[i++] = "CPAM " + person.PostalCode[..2];
            row[i++] = random.Next(10) == 0 ? "O" : "N";
            row[i++] = random.Next(2) == 0 ? "O" : "N";
            row[i++] = "N";
            row[i++] = random.Next(45, 110).ToString(CultureInfo.InvariantCulture);
            row[i++] = random.Next(150, 195).ToString(CultureInfo.InvariantCulture);
            while (i < Header.Length - 2)
            {
                if (shape == LabDump2021Shape.UniqueCodes)
                {
                    row[i++] = Code(random);
                    row[i++] = Code(random);
                    continue;
                }
                var hasExam = random.Next(3) > 0;
                row[i++] = hasExam ? Exams[random.Next(Exams.Length)] : "";
                row[i++] = hasExam ? Results[random.Next(Results.Length)] : "";
            }
            row[i++] = shape == LabDump2021Shape.Comments ? MedicalComments.Write(random) : random.Next(5) == 0 ? "PATIENT A RAPPELER" : "";
            row[i++] = "VALIDE";
            writer.Write(string.Join(';', row));
            writer.Write("\r\n");
        }
    }

    private const string CodeAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>A sample barcode or accession number: 4 to 8 random letters and digits, nearly always unique.</summary>
    private static string Code(Random random) =>
        string.Create(random.Next(4, 9), random, static (span, r) =>
        {
            for (var k = 0; k < span.Length; k++) span[k] = CodeAlphabet[r.Next(CodeAlphabet.Length)];
        });
}

/// <summary>What the extra columns of a 2021-shaped dump hold.</summary>
public enum LabDump2021Shape
{
    /// <summary>Exams and results from short lists, under headers that say so: every cell recurs.</summary>
    Repeated,
    /// <summary>Unique alphanumeric codes of 4 to 8 characters (barcodes, accession numbers) under unknown headers.</summary>
    UniqueCodes,
    /// <summary>Repeated exams, and a free-text comment in French medical words under an unknown header.</summary>
    Comments,
}
