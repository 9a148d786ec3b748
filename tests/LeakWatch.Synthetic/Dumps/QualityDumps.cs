using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace LeakWatch.Synthetic.Dumps;

/// <summary>
/// Leaked-file shapes for the quality harness: each writes the same people in another format, the way different
/// tools and different thieves write them. A row's person may be shown under the usage name (married women).
/// </summary>
public static class QualityDumps
{
    public static readonly string[] Kinds =
        ["csv", "lab2021", "tsv-noheader", "pipe-fullname", "sql", "json", "jsonl", "fhir", "hl7", "hprim", "html", "text"];

    public static string Extension(string kind) => kind switch
    {
        "csv" or "lab2021" or "pipe-fullname" => ".csv",
        "tsv-noheader" => ".tsv",
        "sql" => ".sql",
        "json" or "fhir" => ".json",
        "jsonl" => ".jsonl",
        "hl7" => ".hl7",
        "hprim" => ".hpr",
        "html" => ".html",
        _ => ".txt",
    };

    /// <summary>The document's text. Encode "lab2021" as Windows-1252, the rest as UTF-8.</summary>
    public static string Write(string kind, IReadOnlyList<(SyntheticPatient Person, bool UsageName)> people, int seed)
    {
        var random = new Random(seed);
        var text = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        switch (kind)
        {
            case "csv": Csv(text, people); break;
            case "lab2021": LabDump2021Writer.Write(text, people, seed); break;
            case "tsv-noheader": TsvNoHeader(text, people); break;
            case "pipe-fullname": PipeFullName(text, people, random); break;
            case "sql": Sql(text, people); break;
            case "json": Json(text, people); break;
            case "jsonl": JsonLines(text, people); break;
            case "fhir": Fhir(text, people); break;
            case "hl7": Hl7(text, people); break;
            case "hprim": Hprim(text, people); break;
            case "html": Html(text, people, random); break;
            case "text": Prose(text, people, random); break;
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown dump kind.");
        }
        return text.ToString();
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static string Last(SyntheticPatient p, bool usage) => DumpStyle.LastName(p, usage);

    private static void Csv(TextWriter w, IReadOnlyList<(SyntheticPatient Person, bool UsageName)> people)
    {
        // Columns in an unusual order, quoted, ISO dates, accents kept.
        w.WriteLine("email,birth_date,first_name,last_name,city,phone,id");
        var n = 0;
        foreach (var (p, usage) in people)
        {
            w.WriteLine($"{p.Email},{DumpStyle.Date(p.BirthDate, "yyyy-MM-dd")},\"{DumpStyle.FirstGiven(p)}\",\"{Last(p, usage).Replace("\"", "\"\"", StringComparison.Ordinal)}\",\"{p.City}\",{p.Phone},{++n}");
        }
    }

    private static void TsvNoHeader(TextWriter w, IReadOnlyList<(SyntheticPatient Person, bool UsageName)> people)
    {
        // No header, first name before last name, dd.MM.yyyy, NIR with spaces.
        foreach (var (p, usage) in people)
        {
            w.WriteLine(string.Join('\t', DumpStyle.FirstGiven(p), Last(p, usage).ToUpperInvariant(), DumpStyle.Date(p.BirthDate, "dd.MM.yyyy"), DumpStyle.NirSpaced(p.Nir), p.PostalCode));
        }
    }

    private static void PipeFullName(TextWriter w, IReadOnlyList<(SyntheticPatient Person, bool UsageName)> people, Random random)
    {
        // One column holds the full name, in either order; dates in French words.
        w.WriteLine("patient|naissance|ville");
        foreach (var (p, usage) in people)
        {
            var last = DumpStyle.Upper(Last(p, usage));
            var first = DumpStyle.FirstGiven(p);
            var full = random.Next(2) == 0 ? $"{last} {first}" : $"{first} {last}";
            w.WriteLine($"{full}|{DumpStyle.FrenchWords(p.BirthDate)}|{p.City}");
        }
    }

    private static void Sql(TextWriter w, IReadOnlyList<(SyntheticPatient Person, bool UsageName)> people)
    {
        w.WriteLine("CREATE TABLE `patients` (`id` int, `nom` varchar(64), `prenom` varchar(64), `ddn` date, `tel` varchar(20), `mail` varchar(128));");
        for (var start = 0; start < people.Count; start += 50)
        {
            w.Write("INSERT INTO `patients` VALUES ");
            var tuples = people.Skip(start).Take(50).Select((x, i) =>
                $"({start + i + 1},'{Sq(Last(x.Person, x.UsageName))}','{Sq(x.Person.FirstNames)}','{DumpStyle.Date(x.Person.BirthDate, "yyyy-MM-dd")}','{x.Person.Phone}','{Sq(x.Person.Email)}')");
            w.Write(string.Join(',', tuples));
            w.WriteLine(";");
        }
        static string Sq(string s) => s.Replace("'", "\\'", StringComparison.Ordinal);
    }

    private static void Json(TextWriter w, IReadOnlyList<(SyntheticPatient Person, bool UsageName)> people)
    {
        var items = people.Select((x, i) => new Dictionary<string, object?>
        {
            ["id"] = i + 1,
            ["patient"] = new Dictionary<string, object?>
            {
                ["nom"] = Last(x.Person, x.UsageName),
                ["prenom"] = DumpStyle.FirstGiven(x.Person),
                ["naissance"] = DumpStyle.Date(x.Person.BirthDate, "dd/MM/yyyy"),
            },
            ["contact"] = new Dictionary<string, object?> { ["email"] = x.Person.Email, ["ville"] = x.Person.City },
        });
        w.Write(JsonSerializer.Serialize(items, Indented));
    }

    private static void JsonLines(TextWriter w, IReadOnlyList<(SyntheticPatient Person, bool UsageName)> people)
    {
        foreach (var (p, usage) in people)
        {
            w.WriteLine(JsonSerializer.Serialize(new { name = $"{DumpStyle.FirstGiven(p)} {Last(p, usage)}", dob = DumpStyle.Date(p.BirthDate, "yyyyMMdd"), ssn = p.Nir, mobile = p.Phone }));
        }
    }

    private static void Fhir(TextWriter w, IReadOnlyList<(SyntheticPatient Person, bool UsageName)> people)
    {
        var entries = people.Select(x => new
        {
            resource = new
            {
                resourceType = "Patient",
                identifier = new[] { new { system = "urn:oid:1.2.250.1.213.1.4.8", value = x.Person.Nir[..13] } },
                name = new[] { new { use = x.UsageName && x.Person.UsageName is not null ? "usual" : "official", family = Last(x.Person, x.UsageName), given = x.Person.FirstNames.Split(' ') } },
                birthDate = DumpStyle.Date(x.Person.BirthDate, "yyyy-MM-dd"),
                gender = x.Person.Sex == 'F' ? "female" : "male",
            },
        });
        w.Write(JsonSerializer.Serialize(new { resourceType = "Bundle", type = "collection", entry = entries }));
    }

    private static void Hl7(TextWriter w, IReadOnlyList<(SyntheticPatient Person, bool UsageName)> people)
    {
        var n = 0;
        foreach (var (p, usage) in people)
        {
            n++;
            var names = usage && p.UsageName is { } u
                ? $"{Up(u)}^{Up(DumpStyle.FirstGiven(p))}^^^^^D~{Up(p.BirthName)}^{Up(DumpStyle.FirstGiven(p))}^^^^^L"
                : $"{Up(p.BirthName)}^{Up(DumpStyle.FirstGiven(p))}^^^^^L";
            w.Write($"MSH|^~\\&|LIS|LAB|HIS|HOSP|20200101120000||ADT^A04|MSG{n}|P|2.5\r");
            w.Write($"PID|1||{p.Ipp}^^^LAB^PI~{p.Nir[..13]}^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS||{names}||{DumpStyle.Date(p.BirthDate, "yyyyMMdd")}|{p.Sex}|||^^{Up(p.City)}^^{p.PostalCode}||{p.Phone}^PRN^PH\r");
        }
        static string Up(string s) => DumpStyle.Upper(s);
    }

    private static void Hprim(TextWriter w, IReadOnlyList<(SyntheticPatient Person, bool UsageName)> people)
    {
        w.Write("H|~^\\&|||LABO^LABORATOIRE||ORU|||||P|H2.2|20200101\r\n");
        var n = 0;
        foreach (var (p, usage) in people)
        {
            n++;
            w.Write($"P|{n}|{p.Ipp}|||{DumpStyle.Upper(Last(p, usage))}^{DumpStyle.Upper(DumpStyle.FirstGiven(p))}|{DumpStyle.Upper(p.BirthName)}|{DumpStyle.Date(p.BirthDate, "yyyyMMdd")}|{p.Sex}\r\n");
            w.Write($"OBR|1|||SEROLOGIE\r\n");
        }
        w.Write("L|1|N\r\n");
    }

    private static void Html(TextWriter w, IReadOnlyList<(SyntheticPatient Person, bool UsageName)> people, Random random)
    {
        w.WriteLine("<!DOCTYPE html><html><head><title>Fresh FR medical db sample</title></head><body>");
        w.WriteLine("<div class=\"post\"><div class=\"postbody\"><p>Sample of the <b>lab</b> dump, full file for sale. Contact on tox.</p>");
        w.WriteLine("<pre><code>");
        w.WriteLine("nom;prenom;ddn;secu");
        foreach (var (p, usage) in people.Take(people.Count / 2))
        {
            w.WriteLine(WebUtility.HtmlEncode($"{DumpStyle.Upper(Last(p, usage))};{DumpStyle.FirstGiven(p)};{DumpStyle.Date(p.BirthDate, "dd/MM/yyyy")};{p.Nir}"));
        }
        w.WriteLine("</code></pre><ul>");
        foreach (var (p, usage) in people.Skip(people.Count / 2))
        {
            var name = random.Next(2) == 0 ? $"{DumpStyle.FirstGiven(p)} {Last(p, usage)}" : $"{Last(p, usage).ToUpperInvariant()} {DumpStyle.FirstGiven(p)}";
            w.WriteLine($"<li>{WebUtility.HtmlEncode(name)} &ndash; n&eacute;(e) le {DumpStyle.Date(p.BirthDate, "dd/MM/yyyy")} &ndash; {WebUtility.HtmlEncode(p.Email)}</li>");
        }
        w.WriteLine("</ul></div></div></body></html>");
    }

    private static void Prose(TextWriter w, IReadOnlyList<(SyntheticPatient Person, bool UsageName)> people, Random random)
    {
        w.WriteLine("Voici un extrait de la base, le reste contre paiement.");
        w.WriteLine();
        foreach (var (p, usage) in people)
        {
            var civility = p.Sex == 'F' ? "Mme" : "M.";
            var last = Last(p, usage);
            var sentence = random.Next(3) switch
            {
                0 => $"{civility} {DumpStyle.FirstGiven(p)} {last.ToUpperInvariant()}, né(e) le {DumpStyle.FrenchWords(p.BirthDate)}, habite {p.City}.",
                1 => $"Patient : {last.ToUpperInvariant()} {DumpStyle.FirstGiven(p)} - DDN {DumpStyle.Date(p.BirthDate, "dd/MM/yyyy")} - tél {DumpStyle.PhoneDotted(p.Phone)}",
                _ => $"{civility} {last} ({DumpStyle.FirstGiven(p)}), n° sécu {DumpStyle.NirSpaced(p.Nir)}, résultat positif.",
            };
            w.WriteLine(sentence);
            w.WriteLine();
        }
    }

    public static Encoding EncodingFor(string kind) =>
        kind == "lab2021" ? CodePagesEncoding.Windows1252 : new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
}

/// <summary>Windows-1252, which .NET only knows through the code-pages provider.</summary>
public static class CodePagesEncoding
{
    public static Encoding Windows1252
    {
        get
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            return Encoding.GetEncoding(1252);
        }
    }
}
