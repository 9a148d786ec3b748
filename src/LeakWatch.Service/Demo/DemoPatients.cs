using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace LeakWatch.Service.Demo;

/// <summary>One made-up patient of the demo lab. Every value is synthetic (seeded), never a real person's.</summary>
internal sealed record DemoPatient(string Ipp, string LastName, string FirstName, DateOnly BirthDate, string Nir, string Phone, string Email)
{
    public string BirthDateText => BirthDate.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);
}

/// <summary>
/// The demo's synthetic lab and what leaks of it: a seeded population, its export, and the three leaked documents the
/// sample sites serve (a forum post, a zip attachment, a paste). Small on purpose: the tests' generator is richer.
/// </summary>
internal static class DemoPatients
{
    private static readonly string[] LastNames =
    [
        "MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU", "LAURENT", "SIMON", "MICHEL",
        "LEFEBVRE", "LEROY", "ROUX", "DAVID", "BERTRAND", "MOREL", "FOURNIER", "GIRARD", "BONNET", "DUPONT", "LAMBERT", "FONTAINE",
        "ROUSSEAU", "VINCENT", "MULLER", "LE GALL", "FAURE", "ANDRE", "MERCIER", "BLANC", "GUERIN", "BOYER", "GARNIER", "CHEVALIER",
    ];

    private static readonly string[] FemaleNames = ["Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Christine", "Sandrine", "Valérie", "Céline", "Camille", "Chloé", "Léa"];
    private static readonly string[] MaleNames = ["Jean", "Pierre", "Michel", "Philippe", "Alain", "Nicolas", "Christophe", "Frédéric", "Hugo", "Lucas", "Théo", "Gaël"];
    private static readonly string[] Departments = ["75", "69", "13", "33", "59", "31", "44", "67", "35", "2A"];

    public static IReadOnlyList<DemoPatient> Generate(int count, int seed)
    {
        var random = new Random(seed);
        var patients = new List<DemoPatient>(count);
        for (var i = 0; i < count; i++)
        {
            var female = random.Next(2) == 0;
            var last = LastNames[random.Next(LastNames.Length)];
            var first = female ? FemaleNames[random.Next(FemaleNames.Length)] : MaleNames[random.Next(MaleNames.Length)];
            var birth = new DateOnly(1940 + random.Next(65), 1 + random.Next(12), 1 + random.Next(28));
            var body = string.Create(CultureInfo.InvariantCulture,
                $"{(female ? 2 : 1)}{birth.Year % 100:D2}{birth.Month:D2}{Departments[random.Next(Departments.Length)]}{1 + random.Next(899):D3}{1 + random.Next(998):D3}");
            var nir = body + NirKey(body).ToString("D2", CultureInfo.InvariantCulture);
            var phone = string.Create(CultureInfo.InvariantCulture, $"06{random.Next(100_000_000):D8}");
            var email = $"{Ascii(first)}.{Ascii(last).Replace(" ", "", StringComparison.Ordinal)}{i}@exemple.fr".ToLowerInvariant();
            patients.Add(new DemoPatient(string.Create(CultureInfo.InvariantCulture, $"IPP{100000 + i}"), last, first, birth, nir, phone, email));
        }
        return patients;
    }

    /// <summary>The lab's export as LeakWatch expects it: a header line, semicolons, UTF-8.</summary>
    public static void WriteExport(string path, IEnumerable<DemoPatient> patients)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        writer.WriteLine("IPP;NOM_NAISSANCE;PRENOMS;DATE_NAISSANCE;NIR;TELEPHONE;EMAIL");
        foreach (var p in patients) writer.WriteLine($"{p.Ipp};{p.LastName};{p.FirstName};{p.BirthDateText};{p.Nir};{p.Phone};{p.Email}");
    }

    /// <summary>The forum post: a few rows pasted as a teaser, the rest "in the attachment".</summary>
    public static string PostHtml(IEnumerable<DemoPatient> patients)
    {
        var rows = new StringBuilder("Échantillon du fichier patients du labo, le reste en pièce jointe :<br><code>nom;prenom;naissance;nir<br>");
        foreach (var p in patients) rows.Append(p.LastName).Append(';').Append(p.FirstName).Append(';').Append(p.BirthDateText).Append(';').Append(p.Nir).Append("<br>");
        return rows.Append("</code>").ToString();
    }

    /// <summary>The attachment: a zip holding a CSV shaped like the 2021 dump (upper case, no accents).</summary>
    public static byte[] AttachmentZip(IEnumerable<DemoPatient> patients)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var writer = new StreamWriter(zip.CreateEntry("export_labo_2026.csv").Open(), new UTF8Encoding(false));
            writer.WriteLine("NOM;PRENOM;DATE_NAISSANCE;NIR;TELEPHONE;EXAMEN");
            foreach (var p in patients) writer.WriteLine($"{p.LastName};{Ascii(p.FirstName).ToUpperInvariant()};{p.BirthDateText};{p.Nir};{p.Phone};NFS");
        }
        return buffer.ToArray();
    }

    /// <summary>The paste: comma-separated, with e-mails.</summary>
    public static string PasteText(IEnumerable<DemoPatient> patients)
    {
        var text = new StringBuilder("nom,prenom,ddn,email,tel\n");
        foreach (var p in patients) text.Append(p.LastName).Append(',').Append(p.FirstName).Append(',').Append(p.BirthDateText).Append(',').Append(p.Email).Append(',').Append(p.Phone).Append('\n');
        return text.ToString();
    }

    private static int NirKey(string body)
    {
        // Corsica: 2A counts as 19 and 2B as 18 in the key.
        var digits = body.Replace("2A", "19", StringComparison.Ordinal).Replace("2B", "18", StringComparison.Ordinal);
        return 97 - (int)(long.Parse(digits, CultureInfo.InvariantCulture) % 97);
    }

    private static string Ascii(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        return new string([.. decomposed.Where(c => CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)]);
    }
}
