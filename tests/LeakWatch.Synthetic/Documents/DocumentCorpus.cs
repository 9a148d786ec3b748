using System.Globalization;
using System.Text;
using LeakWatch.Synthetic.Dumps;

namespace LeakWatch.Synthetic.Documents;

/// <summary>
/// The quality corpus in the shapes that are not text: spreadsheets (.xlsx, .xlsm in the 1904 date system, .ods,
/// .xls from <see cref="XlsWriter"/>), word-processing reports (.docx, .odt: a table and prose), a PDF report, a mail with
/// an attachment and an mbox. Each holds planted patients, strangers and namesakes like <see cref="QualityCorpus"/>.
/// </summary>
public static class DocumentCorpus
{
    public static readonly string[] Kinds = ["xlsx", "xlsm", "xls", "ods", "docx", "odt", "pdf", "eml", "mbox"];

    public static List<PlantedDocument> Build(IReadOnlyList<SyntheticPatient> basePatients, int plantedPerKind, int strangersPerKind, int namesakesPerKind, int seed)
    {
        var random = new Random(seed);
        var known = QualityCorpus.IdentityKeys(basePatients);
        var documents = new List<PlantedDocument>();
        var strangerIndex = 0;
        foreach (var kind in Kinds)
        {
            var (people, planted) = QualityCorpus.Plant(basePatients, known, plantedPerKind, strangersPerKind, namesakesPerKind, random, seed, ref strangerIndex);
            documents.Add(new PlantedDocument("leak-" + kind + "." + kind, Write(kind, people, random), planted));
        }

        return documents;
    }

    /// <summary>The patients' table as a lab's spreadsheet has it: typed dates, NIR and phone as text.</summary>
    public static Table PatientTable(string name, IEnumerable<(SyntheticPatient Person, bool UsageName)> people) => new(
        name,
        ["NOM", "PRENOM", "DATE_NAISSANCE", "NIR", "TELEPHONE", "VILLE"],
        [.. people.Select(x => (IReadOnlyList<TableCell>)[DumpStyle.LastName(x.Person, x.UsageName), DumpStyle.FirstGiven(x.Person), TableCell.Of(x.Person.BirthDate), x.Person.Nir, x.Person.Phone, x.Person.City])]);

    /// <summary>Sheets of lab codes and results: what surrounds patients in a real workbook, nobody's identity.</summary>
    public static Table CodesTable(Random random) => new(
        "Codes",
        ["CODE", "LIBELLE", "VALEUR"],
        [.. Enumerable.Range(0, 60).Select(i => (IReadOnlyList<TableCell>)["B" + random.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture), "Analyse " + i.ToString(CultureInfo.InvariantCulture), TableCell.Of(Math.Round(random.NextDouble() * 100, 2))])]);

    public static string Sentence((SyntheticPatient Person, bool UsageName) x, Random random)
    {
        var (p, usage) = x;
        var civility = p.Sex == 'F' ? "Mme" : "M.";
        var last = DumpStyle.LastName(p, usage);
        return random.Next(2) == 0
            ? $"{civility} {DumpStyle.FirstGiven(p)} {last.ToUpperInvariant()}, né(e) le {DumpStyle.Date(p.BirthDate, "dd/MM/yyyy")}, habite {p.City}."
            : $"Patient : {last.ToUpperInvariant()} {DumpStyle.FirstGiven(p)} - DDN {DumpStyle.Date(p.BirthDate, "dd/MM/yyyy")} - NIR {p.Nir}";
    }

    private static byte[] Write(string kind, List<(SyntheticPatient Person, bool UsageName)> people, Random random)
    {
        var half = people.Count / 2;
        var first = people.Take(half).ToList();
        var second = people.Skip(half).ToList();
        switch (kind)
        {
            case "xlsx":
                return OfficeWriters.Xlsx([CodesTable(random), PatientTable("Patients", people)]);
            case "xlsm":
                return OfficeWriters.Xlsx([PatientTable("Feuil1", people)], date1904: true, macroEnabled: true);
            case "xls":
                return XlsWriter.Write([PatientTable("Feuil1", people), CodesTable(random)]);
            case "ods":
                return OfficeWriters.Ods([PatientTable("Feuille1", people), CodesTable(random)]);
            case "docx":
                return OfficeWriters.Docx(["Extrait de la base du laboratoire.", "Liste des patients :"], [PatientTable("t", first)], [.. second.Select(x => Sentence(x, random))]);
            case "odt":
                return OfficeWriters.Odt(["Extrait de la base du laboratoire."], [PatientTable("t", first)], [.. second.Select(x => Sentence(x, random))]);
            case "pdf":
                return PdfAndMailWriters.Pdf("Laboratoire - extraction patients", new Table("t", ["NOM", "PRENOM", "NAISSANCE", "NIR", "VILLE"],
                    [.. people.Select(x => (IReadOnlyList<TableCell>)[DumpStyle.LastName(x.Person, x.UsageName).ToUpperInvariant(), DumpStyle.FirstGiven(x.Person), x.Person.BirthDate.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture), DumpStyle.NirSpaced(x.Person.Nir), x.Person.City])]));
            case "eml":
                return PdfAndMailWriters.Eml(PdfAndMailWriters.Mail("Vendeur", "seller@example.org", "Echantillon base labo",
                    "Bonjour,\n\nVoici un extrait :\n\n" + string.Join("\n\n", first.Select(x => Sentence(x, random))) + "\n\nLe reste en pièce jointe.\n",
                    ("patients.csv", Encoding.UTF8.GetBytes(Csv(second)))));
            case "mbox":
                var third = people.Count / 3;
                return PdfAndMailWriters.Mbox([
                    PdfAndMailWriters.Mail("Vendeur", "seller@example.org", "Partie 1", string.Join("\n\n", people.Take(third).Select(x => Sentence(x, random)))),
                    PdfAndMailWriters.Mail("Vendeur", "seller@example.org", "Partie 2", "Voir le classeur.", ("partie2.xlsx", OfficeWriters.Xlsx([PatientTable("Patients", people.Skip(third).Take(third))]))),
                    PdfAndMailWriters.Mail("Vendeur", "seller@example.org", "Partie 3", "En CSV.", ("partie3.csv", Encoding.UTF8.GetBytes(Csv(people.Skip(2 * third))))),
                ]);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown document kind.");
        }
    }

    private static string Csv(IEnumerable<(SyntheticPatient Person, bool UsageName)> people) =>
        "nom;prenom;naissance;tel\n" + string.Concat(people.Select(x =>
            $"{DumpStyle.LastName(x.Person, x.UsageName)};{DumpStyle.FirstGiven(x.Person)};{DumpStyle.Date(x.Person.BirthDate, "dd/MM/yyyy")};{x.Person.Phone}\n"));
}
