using System.Globalization;
using System.Text;

namespace LeakWatch.Synthetic;

/// <summary>
/// Seeded, realistic French patients: common surnames repeat (MARTIN, BERNARD...), most are rare; particles, apostrophes,
/// accents, compound and hyphenated names; married women's usage names; first-name lists; NIRs whose key is valid and
/// whose sex, year, month and place of birth agree with the person. Patient N depends only on (seed, N): any range can
/// be made on its own, in parallel, and a million take about a second.
/// </summary>
public static class SyntheticPopulation
{
    /// <summary>The year ages are counted from: fixed, so a seed gives the same people every year.</summary>
    public const int ReferenceYear = 2025;

    // 1 / (rank + 40): the commonest names about 0.5 % each, the rarest about 0.008 %.
    private static readonly WeightedList Surnames = new(NameData.Surnames.Concat(RareSurnames()), flattening: 40);
    private static readonly WeightedList FemaleNames = new(NameData.FemaleFirstNames, flattening: 12);
    private static readonly WeightedList MaleNames = new(NameData.MaleFirstNames, flattening: 12);

    // Accent-free and email forms of every listed name, worked out once: the lists are finite, the patients are not.
    private static readonly string[] SurnamesPlain = Surnames.Items.Select(StripAccents).ToArray();
    private static readonly string[] SurnamesEmail = Surnames.Items.Select(Letters).ToArray();
    private static readonly string[] FemaleEmail = FemaleNames.Items.Select(Letters).ToArray();
    private static readonly string[] MaleEmail = MaleNames.Items.Select(Letters).ToArray();
    private static readonly string[] StreetTypesPlain = NameData.StreetTypes.Select(StripAccents).ToArray();
    private static readonly string[] StreetNamesPlain = NameData.StreetNames.Select(StripAccents).ToArray();
    private static readonly string[] CitiesPlain = NameData.Cities.Select(c => StripAccents(c.City)).ToArray();

    private static readonly (string Country, string Code)[] Abroad =
    [
        ("ALGÉRIE", "352"), ("MAROC", "350"), ("TUNISIE", "351"), ("PORTUGAL", "139"), ("ITALIE", "127"), ("ESPAGNE", "134"),
        ("ALLEMAGNE", "109"), ("BELGIQUE", "131"), ("SÉNÉGAL", "341"), ("VIETNAM", "243"), ("TURQUIE", "208"), ("MALI", "335"),
    ];

    /// <summary>How many distinct surnames the generator draws from.</summary>
    public static int SurnameCount => Surnames.Count;

    /// <summary>Patients 0 to count - 1, streamed in order; made in parallel blocks, so a million take a couple of seconds.</summary>
    public static IEnumerable<SyntheticPatient> Generate(int count, int seed)
    {
        const int Block = 8192;
        if (count <= Block)
        {
            for (var i = 0; i < count; i++) yield return Create(i, seed);
            yield break;
        }
        var buffer = new SyntheticPatient[Block];
        for (var start = 0; start < count; start += Block)
        {
            var length = Math.Min(Block, count - start);
            var first = start;
            Parallel.For(0, length, i => buffer[i] = Create(first + i, seed));
            for (var i = 0; i < length; i++) yield return buffer[i];
        }
    }

    /// <summary>All at once, made in parallel: for large populations held in memory.</summary>
    public static SyntheticPatient[] GenerateArray(int count, int seed)
    {
        var patients = new SyntheticPatient[count];
        Parallel.For(0, count, i => patients[i] = Create(i, seed));
        return patients;
    }

    /// <summary>Patient number <paramref name="index"/> of the population <paramref name="seed"/>.</summary>
    public static SyntheticPatient Create(int index, int seed)
    {
        var rng = new Rng(seed, index);
        var sex = rng.Chance(0.52) ? 'F' : 'M';
        var birth = BirthDate(ref rng);
        var age = ReferenceYear - birth.Year;

        var keepAccents = rng.Chance(0.5);
        var birthIndex = Surnames.PickIndex(ref rng);
        var birthName = keepAccents ? Surnames.Items[birthIndex] : SurnamesPlain[birthIndex];
        var emailName = SurnamesEmail[birthIndex];
        string? usageName = null;
        if (sex == 'F' && age >= 23 && rng.Chance(0.55))
        {
            var usageIndex = Surnames.PickIndex(ref rng);
            usageName = keepAccents ? Surnames.Items[usageIndex] : SurnamesPlain[usageIndex];
            emailName = SurnamesEmail[usageIndex];
            if (rng.Chance(0.08)) usageName = usageName + "-" + birthName; // "DUPONT-MARTIN": husband's name then her own
        }

        var firstNames = FirstNames(ref rng, sex, out var firstEmail);
        var cityIndex = rng.Below(NameData.Cities.Length);
        var (city, postalCode) = NameData.Cities[cityIndex];
        var (nir, birthPlace) = NirAndBirthPlace(ref rng, sex, birth, city, postalCode);

        var phone = rng.Chance(0.9) ? Phone(ref rng) : "";
        var email = rng.Chance(0.75) ? Email(ref rng, firstEmail, emailName) : "";
        var streetType = rng.Below(NameData.StreetTypes.Length);
        var streetName = rng.Below(NameData.StreetNames.Length);
        var number = rng.Between(1, 180);
        var address = keepAccents
            ? string.Create(CultureInfo.InvariantCulture, $"{number} {NameData.StreetTypes[streetType]} {NameData.StreetNames[streetName]}")
            : string.Create(CultureInfo.InvariantCulture, $"{number} {StreetTypesPlain[streetType]} {StreetNamesPlain[streetName]}");
        if (!keepAccents) city = CitiesPlain[cityIndex];

        var ipp = string.Create(CultureInfo.InvariantCulture, $"{(uint)seed % 90 + 10}{index + 1:D8}");
        return new SyntheticPatient(ipp, birthName, usageName, firstNames, sex, birth, nir, phone, email, address, postalCode, city)
        {
            BirthPlace = keepAccents ? birthPlace : StripAccents(birthPlace),
        };
    }

    private static DateOnly BirthDate(ref Rng rng)
    {
        // A lab sees all ages, more of the old than a census would.
        var age = rng.Chance(0.15) ? rng.Between(0, 17) : rng.Between(18, 99);
        var year = ReferenceYear - 1 - age;
        var month = rng.Between(1, 12);
        var day = rng.Between(1, DateTime.DaysInMonth(year, month));
        return new DateOnly(year, month, day);
    }

    private static string FirstNames(ref Rng rng, char sex, out string firstEmail)
    {
        var names = sex == 'F' ? FemaleNames : MaleNames;
        var emails = sex == 'F' ? FemaleEmail : MaleEmail;
        var roll = rng.Unit();
        var count = roll < 0.40 ? 1 : roll < 0.80 ? 2 : roll < 0.97 ? 3 : 4;
        var upper = rng.Chance(0.3);
        const char separator = ' ';
        var builder = new StringBuilder(48);
        Span<int> chosen = stackalloc int[4];
        chosen[0] = names.PickIndex(ref rng);
        firstEmail = emails[chosen[0]];
        builder.Append(names.Items[chosen[0]]);
        for (var i = 1; i < count; i++)
        {
            chosen[i] = names.PickIndex(ref rng);
            if (chosen[..i].Contains(chosen[i])) continue;
            builder.Append(separator).Append(names.Items[chosen[i]]);
        }
        var text = builder.ToString();
        return upper ? text.ToUpperInvariant() : text;
    }

    private static (string Nir, string BirthPlace) NirAndBirthPlace(ref Rng rng, char sex, DateOnly birth, string city, string postalCode)
    {
        var roll = rng.Unit();
        if (roll < 0.06)
        {
            var (country, code) = Abroad[rng.Below(Abroad.Length)];
            return (Nir.Compose(sex, birth.Year, birth.Month, "99", int.Parse(code, CultureInfo.InvariantCulture), rng.Between(1, 999)), country);
        }
        // Most are born where they live; the others anywhere in the list.
        if (roll > 0.7) (city, postalCode) = NameData.Cities[rng.Below(NameData.Cities.Length)];
        string department;
        int commune;
        if (postalCode.StartsWith("97", StringComparison.Ordinal))
        {
            department = "97";
            commune = (postalCode[2] - '0') * 100 + rng.Between(1, 34);
        }
        else if (postalCode.StartsWith("20", StringComparison.Ordinal))
        {
            // Corsica became 2A/2B in 1976; people born before keep 20.
            department = birth.Year < 1976 ? "20" : postalCode[2] < '2' ? "2A" : "2B";
            commune = rng.Between(1, 366);
        }
        else
        {
            department = postalCode[..2];
            commune = rng.Between(1, 900);
        }
        return (Nir.Compose(sex, birth.Year, birth.Month, department, commune, rng.Between(1, 999)), city);
    }

    private static string Phone(ref Rng rng)
    {
        var mobile = rng.Chance(0.7);
        var first = mobile ? (rng.Chance(0.7) ? 6 : 7) : rng.Between(1, 5);
        var second = mobile && first == 7 ? rng.Between(5, 8) : rng.Between(1, 9);
        var rest = rng.Between(0, 9_999_999);
        var digits = string.Create(CultureInfo.InvariantCulture, $"0{first}{second}{rest:D7}");
        var style = rng.Below(10);
        return style switch
        {
            < 5 => string.Create(CultureInfo.InvariantCulture, $"{digits[..2]} {digits[2..4]} {digits[4..6]} {digits[6..8]} {digits[8..]}"),
            < 8 => digits,
            8 => string.Create(CultureInfo.InvariantCulture, $"+33 {digits[1]} {digits[2..4]} {digits[4..6]} {digits[6..8]} {digits[8..]}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{digits[..2]}.{digits[2..4]}.{digits[4..6]}.{digits[6..8]}.{digits[8..]}"),
        };
    }

    private static string Email(ref Rng rng, string first, string last)
    {
        var domain = NameData.EmailDomains[rng.Below(NameData.EmailDomains.Length)];
        return rng.Below(4) switch
        {
            0 => $"{first}.{last}@{domain}",
            1 => string.Create(CultureInfo.InvariantCulture, $"{first}.{last}{rng.Between(1, 99)}@{domain}"),
            2 => string.Create(CultureInfo.InvariantCulture, $"{first[0]}{last}{rng.Between(1950, 2010)}@{domain}"),
            _ => $"{last}.{first}@{domain}",
        };
    }

    /// <summary>Lower-case ASCII letters and hyphens: what people put in an email address.</summary>
    private static string Letters(string name)
    {
        var folded = StripAccents(name);
        var builder = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            if (char.IsAsciiLetter(c)) builder.Append(char.ToLowerInvariant(c));
            else if (c == '-') builder.Append('-');
        }
        return builder.Length > 0 ? builder.ToString() : "x";
    }

    /// <summary>Exports often lose accents: É to E, Œ to OE. By hand, since the build runs with invariant globalization.</summary>
    public static string StripAccents(string text)
    {
        var ascii = true;
        foreach (var c in text)
        {
            if (c > 0x7F) { ascii = false; break; }
        }
        if (ascii) return text;
        var builder = new StringBuilder(text.Length + 2);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                'À' or 'Â' or 'Ä' => "A", 'à' or 'â' or 'ä' => "a",
                'Ç' => "C", 'ç' => "c",
                'É' or 'È' or 'Ê' or 'Ë' => "E", 'é' or 'è' or 'ê' or 'ë' => "e",
                'Î' or 'Ï' => "I", 'î' or 'ï' => "i",
                'Ô' or 'Ö' => "O", 'ô' or 'ö' => "o",
                'Ù' or 'Û' or 'Ü' => "U", 'ù' or 'û' or 'ü' => "u",
                'Ÿ' => "Y", 'ÿ' => "y",
                'Œ' => "OE", 'œ' => "oe", 'Æ' => "AE", 'æ' => "ae",
                _ => c.ToString(),
            });
        }
        return builder.ToString();
    }

    /// <summary>The long tail: particle + root + ending ("DE LA BOISSIER", "CHAMPOT", "L'ESTRADE"...), a few thousand names.</summary>
    private static IEnumerable<string> RareSurnames()
    {
        var i = 0;
        foreach (var root in NameData.SurnameRoots)
        {
            foreach (var ending in NameData.SurnameEndings)
            {
                i++;
                var name = root + ending;
                yield return name;
                if (i % 2 == 0)
                {
                    var particle = NameData.SurnameParticles[(i / 2) % NameData.SurnameParticles.Length];
                    if (particle.EndsWith('\'') && !"AEIOUY".Contains(name[0], StringComparison.Ordinal)) particle = "DE ";
                    yield return (particle.Length == 0 ? "LE " : particle) + name;
                }
                if (i % 3 == 0) yield return name + "-" + NameData.SurnameRoots[i % NameData.SurnameRoots.Length] + NameData.SurnameEndings[(i / 7) % NameData.SurnameEndings.Length];
            }
        }
    }
}
