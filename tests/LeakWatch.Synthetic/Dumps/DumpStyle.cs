using System.Globalization;
using System.Text;

namespace LeakWatch.Synthetic.Dumps;

/// <summary>How leaked files tend to write identities: upper case without accents, usage names, first name first.</summary>
public static class DumpStyle
{
    public static string Upper(string value) => StripAccents(value).ToUpperInvariant();

    // A table, not string.Normalize: with invariant globalization (the build's setting) Normalize changes nothing.
    private const string Accented = "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝŸàáâãäåçèéêëìíîïñòóôõöùúûüýÿ";
    private const string Plain = "AAAAAACEEEEIIIINOOOOOUUUUYYaaaaaaceeeeiiiinooooouuuuyy";

    public static string StripAccents(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            var at = Accented.IndexOf(c, StringComparison.Ordinal);
            builder.Append(at >= 0 ? Plain[at] : c);
        }
        return builder.ToString()
            .Replace("Œ", "OE", StringComparison.Ordinal).Replace("œ", "oe", StringComparison.Ordinal)
            .Replace("Æ", "AE", StringComparison.Ordinal).Replace("æ", "ae", StringComparison.Ordinal);
    }

    /// <summary>The name a dump shows: the usage name for a married woman when asked, else the birth name.</summary>
    public static string LastName(SyntheticPatient patient, bool preferUsage) =>
        preferUsage && patient.UsageName is { } usage ? usage : patient.BirthName;

    /// <summary>The first given name only, as most systems keep it.</summary>
    public static string FirstGiven(SyntheticPatient patient) => patient.FirstNames.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];

    public static string Date(DateOnly date, string format) => date.ToString(format, CultureInfo.InvariantCulture);

    private static readonly string[] Months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];

    public static string FrenchWords(DateOnly date) =>
        (date.Day == 1 ? "1er" : date.Day.ToString(CultureInfo.InvariantCulture)) + " " + Months[date.Month - 1] + " " + date.Year.ToString(CultureInfo.InvariantCulture);

    public static string NirSpaced(string nir) =>
        $"{nir[0]} {nir.Substring(1, 2)} {nir.Substring(3, 2)} {nir.Substring(5, 2)} {nir.Substring(7, 3)} {nir.Substring(10, 3)} {nir.Substring(13, 2)}";

    public static string PhoneDotted(string phone)
    {
        var digits = new string(phone.Where(char.IsAsciiDigit).ToArray());
        if (digits.StartsWith("33", StringComparison.Ordinal)) digits = "0" + digits[2..];
        return string.Join('.', Enumerable.Range(0, digits.Length / 2).Select(i => digits.Substring(i * 2, 2)));
    }
}
