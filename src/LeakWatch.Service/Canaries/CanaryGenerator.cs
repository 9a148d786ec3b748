using System.Globalization;
using System.Security.Cryptography;
using LeakWatch.Core.Normalization;

namespace LeakWatch.Service.Canaries;

/// <summary>
/// One synthetic identity made to be planted in a system of the lab. Its values live in memory for the time it takes
/// to print and fingerprint them; <see cref="ToString"/> never shows them.
/// </summary>
internal sealed record CanaryIdentity(string LastName, string FirstNames, char Sex, DateOnly BirthDate, string Nir, string Phone, string Email)
{
    public string BirthDateText => BirthDate.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);

    /// <summary>The identity as the enrollment reads an export row, so both sides normalize it the same way.</summary>
    public RawPatient ToRawPatient() => new("canary", LastName, null, FirstNames, BirthDateText, Nir, Phone, Email);

    public override string ToString() => "CanaryIdentity(values hidden)";
}

/// <summary>
/// Makes identities that look real: common French names, a birth date, a NIR whose sex, year, month and key agree
/// (2A and 2B included), a mobile number in a range that is allocated, an e-mail made of the names. Drawn from the
/// operating system's cryptographic generator: a canary must not be guessable from another one, or from a seed.
/// </summary>
internal static class CanaryGenerator
{
    private static readonly string[] LastNames =
    [
        "MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU", "LAURENT", "SIMON",
        "MICHEL", "LEFEBVRE", "LEROY", "ROUX", "DAVID", "BERTRAND", "MOREL", "FOURNIER", "GIRARD", "BONNET", "DUPONT",
        "LAMBERT", "FONTAINE", "ROUSSEAU", "VINCENT", "MULLER", "LEFEVRE", "FAURE", "ANDRE", "MERCIER", "BLANC", "GUERIN",
        "BOYER", "GARNIER", "CHEVALIER", "FRANCOIS", "LEGRAND", "GAUTHIER", "GARCIA", "PERRIN", "ROBIN", "CLEMENT",
        "MORIN", "NICOLAS", "HENRY", "ROUSSEL", "MATHIEU", "GAUTIER", "MASSON", "MARCHAND", "DUVAL", "DENIS", "DUMONT",
        "MARIE", "LEMAIRE", "NOEL", "MEYER", "DUFOUR", "MEUNIER", "BRUN", "BLANCHARD", "GIRAUD", "JOLY", "RIVIERE",
        "LUCAS", "BRUNET", "GAILLARD", "BARBIER", "ARNAUD", "MARTINEZ", "GERARD", "ROCHE", "RENARD", "SCHMITT", "ROY",
        "LEROUX", "COLIN", "VIDAL", "CARON", "PICARD", "ROGER", "FABRE", "AUBERT", "LEMOINE", "RENAUD", "DUMAS", "LACROIX",
        "OLIVIER", "PHILIPPE", "BOURGEOIS", "PIERRE", "BENOIT", "REY", "LECLERC", "PAYET", "ROLLAND", "LE GALL", "GUILLAUME",
        "LECOMTE", "LOPEZ", "JEAN", "DUPUY", "GUILLOT", "HUBERT", "BERGER", "CARPENTIER", "SANCHEZ", "DUPUIS", "MOULIN",
    ];

    private static readonly string[] FemaleNames =
    [
        "Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Françoise", "Martine", "Christine", "Monique", "Valérie",
        "Sandrine", "Stéphanie", "Céline", "Sophie", "Véronique", "Nicole", "Julie", "Aurélie", "Camille", "Laura", "Chloé",
        "Léa", "Manon", "Emma", "Inès", "Sarah", "Pauline", "Émilie", "Hélène", "Anne", "Jacqueline", "Brigitte", "Élodie",
    ];

    private static readonly string[] MaleNames =
    [
        "Jean", "Philippe", "Michel", "Alain", "Patrick", "Nicolas", "Christophe", "Pierre", "Christian", "Éric", "Frédéric",
        "Laurent", "Stéphane", "David", "Pascal", "Daniel", "Sébastien", "Julien", "Thierry", "Olivier", "Bernard", "Thomas",
        "Alexandre", "Gérard", "Didier", "Dominique", "Vincent", "François", "Bruno", "Hugo", "Lucas", "Théo", "Louis", "Gabriel",
    ];

    private static readonly string[] Departments =
    [
        "01", "06", "13", "14", "17", "21", "25", "29", "2A", "2B", "31", "33", "34", "35", "37", "38", "44", "45", "49", "51",
        "54", "57", "59", "62", "63", "67", "68", "69", "72", "74", "75", "76", "77", "78", "80", "83", "84", "91", "92", "93", "94", "95",
    ];

    private static readonly string[] EmailDomains = ["gmail.com", "orange.fr", "free.fr", "laposte.net", "hotmail.fr", "sfr.fr", "yahoo.fr", "wanadoo.fr"];

    // Second digit of an 06 number in the ranges allocated to mobiles (libphonenumber: 6[0-24-8]x).
    private static readonly char[] MobileSecondDigits = ['0', '1', '2', '4', '5', '6', '7', '8'];

    /// <param name="emailDomain">The e-mail domain; null: a common French provider, drawn per canary.</param>
    public static CanaryIdentity Next(string? emailDomain)
    {
        var female = RandomNumberGenerator.GetInt32(2) == 0;
        var last = Pick(LastNames);
        var first = female ? Pick(FemaleNames) : Pick(MaleNames);
        // Some people carry two first names in the registries; a canary sometimes does too.
        if (RandomNumberGenerator.GetInt32(4) == 0)
        {
            var second = female ? Pick(FemaleNames) : Pick(MaleNames);
            if (second != first) first += " " + second;
        }
        var birth = new DateOnly(1940 + RandomNumberGenerator.GetInt32(66), 1 + RandomNumberGenerator.GetInt32(12), 1);
        birth = birth.AddDays(RandomNumberGenerator.GetInt32(DateTime.DaysInMonth(birth.Year, birth.Month)));
        var nir = Nir(female, birth);
        var phone = string.Create(CultureInfo.InvariantCulture,
            $"06 {Pick(MobileSecondDigits)}{RandomNumberGenerator.GetInt32(10)} {RandomNumberGenerator.GetInt32(100):D2} {RandomNumberGenerator.GetInt32(100):D2} {RandomNumberGenerator.GetInt32(100):D2}");
        var local = Ascii(first.Split(' ')[0]) + "." + Ascii(last) + RandomNumberGenerator.GetInt32(10, 1000).ToString(CultureInfo.InvariantCulture);
        var email = local.ToLowerInvariant() + "@" + (emailDomain ?? Pick(EmailDomains));
        return new CanaryIdentity(last, first, female ? 'F' : 'M', birth, nir, phone, email);
    }

    /// <summary>Sex, year, month, department, commune, order number, then the key (97 - body mod 97; 2A as 19, 2B as 18).</summary>
    internal static string Nir(bool female, DateOnly birth)
    {
        var department = Pick(Departments);
        var body = string.Create(CultureInfo.InvariantCulture,
            $"{(female ? 2 : 1)}{birth.Year % 100:D2}{birth.Month:D2}{department}{1 + RandomNumberGenerator.GetInt32(990):D3}{1 + RandomNumberGenerator.GetInt32(999):D3}");
        var digits = body.Replace("2A", "19", StringComparison.Ordinal).Replace("2B", "18", StringComparison.Ordinal);
        var key = 97 - (int)(long.Parse(digits, CultureInfo.InvariantCulture) % 97);
        return body + key.ToString("D2", CultureInfo.InvariantCulture);
    }

    private static T Pick<T>(T[] values) => values[RandomNumberGenerator.GetInt32(values.Length)];

    /// <summary>Letters of a name folded to ASCII for an e-mail's local part (LE GALL -> LEGALL, Éric -> ERIC).</summary>
    private static string Ascii(string name) => FoldedText.Of(name, int.MaxValue).Replace(" ", "", StringComparison.Ordinal);
}
