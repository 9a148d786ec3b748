using System.Formats.Tar;
using System.IO.Compression;

namespace LeakWatch.Synthetic.Dumps;

/// <summary>A leaked document made for the quality harness, and which patients of the base were planted in it.</summary>
public sealed record PlantedDocument(string Name, byte[] Content, IReadOnlyList<string> PlantedIpps);

/// <summary>
/// Documents of every kind with planted patients of the base, strangers, and namesakes (a patient's first and last
/// names with another birth date, NIR, phone and email), plus archives holding some of them and a file of strangers
/// only. Recall and precision are measured against the planted IPPs.
/// </summary>
public static class QualityCorpus
{
    public static List<PlantedDocument> Build(IReadOnlyList<SyntheticPatient> basePatients, int plantedPerKind, int strangersPerKind, int namesakesPerKind, int seed)
    {
        var random = new Random(seed);
        var known = IdentityKeys(basePatients);
        var documents = new List<PlantedDocument>();
        var strangerIndex = 0;
        foreach (var kind in QualityDumps.Kinds)
        {
            var (people, planted) = Plant(basePatients, known, plantedPerKind, strangersPerKind, namesakesPerKind, random, seed, ref strangerIndex);
            var text = QualityDumps.Write(kind, people, seed);
            documents.Add(new PlantedDocument("leak-" + kind + QualityDumps.Extension(kind), QualityDumps.EncodingFor(kind).GetBytes(text), planted));
        }

        documents.Add(Zip("archive-csv-hl7.zip", documents.Where(d => d.Name is "leak-csv.csv" or "leak-hl7.hl7")));
        documents.Add(TarGz("archive-json-text.tar.gz", documents.Where(d => d.Name is "leak-json.json" or "leak-text.txt")));
        return documents;
    }

    /// <summary>
    /// The people of one planted document, shuffled: patients of the base (married women under their usage name half
    /// of the time), strangers, and namesakes; and the IPPs of the patients planted.
    /// </summary>
    public static (List<(SyntheticPatient Person, bool UsageName)> People, List<string> Planted) Plant(
        IReadOnlyList<SyntheticPatient> basePatients, HashSet<string> known, int plantedCount, int strangers, int namesakes, Random random, int seed, ref int strangerIndex)
    {
        var people = new List<(SyntheticPatient Person, bool UsageName)>();
        var planted = new List<string>();
        for (var i = 0; i < plantedCount; i++)
        {
            var patient = basePatients[random.Next(basePatients.Count)];
            if (planted.Contains(patient.Ipp)) continue;
            planted.Add(patient.Ipp);
            people.Add((patient, patient.UsageName is not null && random.Next(2) == 0));
        }
        foreach (var stranger in Strangers(known, strangers, seed + 1, ref strangerIndex)) people.Add((stranger, random.Next(2) == 0));
        for (var i = 0; i < namesakes; i++) people.Add((Namesake(basePatients[random.Next(basePatients.Count)], known, seed + 2, ref strangerIndex), false));
        Shuffle(people, random);
        return (people, planted);
    }

    /// <summary>People who are not patients, a number of whom carry a patient's names with another birth date.</summary>
    public static PlantedDocument StrangersOnly(IReadOnlyList<SyntheticPatient> basePatients, int count, int namesakes, int seed)
    {
        var random = new Random(seed);
        var known = IdentityKeys(basePatients);
        var index = 0;
        var people = Strangers(known, count - namesakes, seed + 3, ref index).Select(p => (p, false)).ToList();
        for (var i = 0; i < namesakes; i++) people.Add((Namesake(basePatients[random.Next(basePatients.Count)], known, seed + 4, ref index), false));
        Shuffle(people, random);
        return new PlantedDocument("strangers.csv", CodePagesEncoding.Windows1252.GetBytes(QualityDumps.Write("lab2021", people, seed)), []);
    }

    /// <summary>A patient's names with another person's birth date, NIR, phone and email.</summary>
    public static SyntheticPatient Namesake(SyntheticPatient patient, HashSet<string> known, int seed, ref int index)
    {
        while (true)
        {
            var other = SyntheticPopulation.Create(index++, seed);
            var candidate = other with { Ipp = "X" + other.Ipp, BirthName = patient.BirthName, UsageName = patient.UsageName, FirstNames = patient.FirstNames };
            if (other.BirthDate != patient.BirthDate && !Collides(known, candidate)) return candidate;
        }
    }

    private static IEnumerable<SyntheticPatient> Strangers(HashSet<string> known, int count, int seed, ref int index)
    {
        var list = new List<SyntheticPatient>(count);
        while (list.Count < count)
        {
            var other = SyntheticPopulation.Create(index++, seed);
            // A stranger who happens to share a patient's full identity is, for any matcher, that patient: leave it out.
            if (!Collides(known, other)) list.Add(other with { Ipp = "X" + other.Ipp });
        }
        return list;
    }

    /// <summary>Every (last name, given name, birth date) a matcher could take for each patient.</summary>
    public static HashSet<string> IdentityKeys(IReadOnlyList<SyntheticPatient> patients)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in patients)
        {
            foreach (var last in (string?[])[p.BirthName, p.UsageName])
            {
                if (last is null) continue;
                // As the lab's first-name variants: each given name, the whole list, the first two together.
                var given = p.FirstNames.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                foreach (var name in given.Append(string.Concat(given)).Append(string.Concat(given.Take(2)))) keys.Add(Key(last, name, p.BirthDate));
            }
        }
        return keys;
    }

    /// <summary>Whether the identity a dump shows for <paramref name="person"/> (either last name, first given name) is a patient's.</summary>
    public static bool Collides(HashSet<string> known, SyntheticPatient person) =>
        known.Contains(Key(person.BirthName, DumpStyle.FirstGiven(person), person.BirthDate)) ||
        (person.UsageName is { } usage && known.Contains(Key(usage, DumpStyle.FirstGiven(person), person.BirthDate)));

    private static string Key(string last, string given, DateOnly birthDate) => Letters(last) + "|" + Letters(given) + "|" + birthDate.DayNumber;

    private static string Letters(string name) => new(DumpStyle.Upper(name).Where(char.IsAsciiLetter).ToArray());

    private static void Shuffle<T>(List<T> list, Random random)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }

    private static PlantedDocument Zip(string name, IEnumerable<PlantedDocument> inner)
    {
        var members = inner.ToList();
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var member in members)
            {
                using var entry = zip.CreateEntry("export/" + member.Name, CompressionLevel.Fastest).Open();
                entry.Write(member.Content);
            }
        }
        return new PlantedDocument(name, buffer.ToArray(), [.. members.SelectMany(m => m.PlantedIpps).Distinct()]);
    }

    private static PlantedDocument TarGz(string name, IEnumerable<PlantedDocument> inner)
    {
        var members = inner.ToList();
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var member in members)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "dump/" + member.Name) { DataStream = new MemoryStream(member.Content) });
            }
        }
        return new PlantedDocument(name, buffer.ToArray(), [.. members.SelectMany(m => m.PlantedIpps).Distinct()]);
    }
}
