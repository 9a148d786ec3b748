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

    public static readonly string[] Header = BuildHeader();

    private static string[] BuildHeader()
    {
        var columns = new List<string>
        {
            "ID_DOSSIER", "IPP_LABO", "CIVILITE", "NOM", "PRENOM", "NOM_NAISSANCE", "SEXE", "DATE_NAISSANCE", "AGE", "NIR",
            "ADRESSE", "CODE_POSTAL", "VILLE", "TELEPHONE", "EMAIL", "MEDECIN_PRESCRIPTEUR", "PRENOM_MEDECIN", "RPPS_MEDECIN",
            "VILLE_MEDECIN", "LABORATOIRE", "SITE", "DATE_PRELEVEMENT", "HEURE_PRELEVEMENT", "DATE_RECEPTION", "DATE_VALIDATION",
            "BIOLOGISTE", "MUTUELLE", "NUM_MUTUELLE", "REGIME", "CAISSE", "URGENT", "A_JEUN", "GROSSESSE", "POIDS", "TAILLE",
        };
        for (var i = 1; columns.Count < 58; i++)
        {
            columns.Add("EXAMEN_" + i.ToString(CultureInfo.InvariantCulture));
            columns.Add("RESULTAT_" + i.ToString(CultureInfo.InvariantCulture));
        }
        columns.Add("COMMENTAIRE");
        columns.Add("STATUT");
        return [.. columns];
    }

    /// <param name="people">Each row's person, and whether the dump shows a married woman under her usage name.</param>
    public static void Write(TextWriter writer, IEnumerable<(SyntheticPatient Person, bool UsageName)> people, int seed)
    {
        var random = new Random(seed);
        writer.Write(string.Join(';', Header));
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
                var hasExam = random.Next(3) > 0;
                row[i++] = hasExam ? Exams[random.Next(Exams.Length)] : "";
                row[i++] = hasExam ? Results[random.Next(Results.Length)] : "";
            }
            row[i++] = random.Next(5) == 0 ? "PATIENT A RAPPELER" : "";
            row[i++] = "VALIDE";
            writer.Write(string.Join(';', row));
            writer.Write("\r\n");
        }
    }
}
