namespace LeakWatch.Core.Normalization;

/// <summary>
/// Dates of birth in every common French (and English) form, to yyyyMMdd as a number: 12/03/1965, 12-03-65,
/// 12.03.1965, 1965-03-12, 1965-03-12T00:00:00, 19650312, 196503121200 (HL7), 12 mars 1965, 1er mars 1965,
/// 12 mar. 1965, March 12, 1965.
/// </summary>
/// <remarks>
/// Impossible dates are kept: civil registries hold day 00 and month 00 for people whose exact date is unknown,
/// and a leak copies them as they are. Only a month above 12, a day above 31 or a year outside 1850..2100 is
/// refused. A two-digit year gives two candidates, 19yy then 20yy: no clock here decides the century.
/// </remarks>
internal static class BirthDateNormalizer
{
    public const int MinYear = 1850;
    public const int MaxYear = 2100;
    private const int MaxFieldLength = 48;

    /// <summary>
    /// Reads a whole field that is a date (surrounding spaces and a time of day allowed): the number of
    /// candidates written to <paramref name="destination"/> (0 when not a date, 2 for a two-digit year).
    /// </summary>
    public static int Normalize(ReadOnlySpan<char> raw, Span<int> destination)
    {
        if (destination.Length < 2) throw new ArgumentException("Room for two candidates is needed.", nameof(destination));
        var s = raw.Trim();
        // Cheap rejections first: the scanner asks this of every field, and most are names or codes.
        if (s.Length < 6 || s.Length > MaxFieldLength || !s.ContainsAnyInRange('0', '9')) return 0;
        var start = DateParser.IsAsciiDigit(s[0]) ? 0 : DateParser.SkipWeekday(s);
        if (!DateParser.TryParse(s, start, wholeField: true, out var end, out var value, out var alt)) return 0;
        if (DateParser.SkipTime(s, end) != s.Length) return 0;
        destination[0] = value;
        if (alt == 0) return 1;
        destination[1] = alt;
        return 2;
    }

    /// <summary>Finds the dates inside free text ("née le 3 janvier 1960 à Lyon", "DDN: 12/03/1965").</summary>
    public static void FindAll(ReadOnlySpan<char> text, List<DateHit> hits)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (DateParser.IsAsciiDigit(c))
            {
                if (DateParser.StartsToken(text, i) && DateParser.TryParse(text, i, wholeField: false, out var end, out var value, out var alt)
                    && DateParser.EndsToken(text, DateParser.SkipTime(text, end)))
                {
                    hits.Add(new DateHit(i, end - i, value, alt));
                    i = end - 1;
                    continue;
                }
                while (i + 1 < text.Length && DateParser.IsAsciiDigit(text[i + 1])) i++;
            }
            else if (char.IsLetter(c))
            {
                if (MonthNames.CanStart(c) && (i == 0 || !char.IsLetterOrDigit(text[i - 1]))
                    && DateParser.TryParse(text, i, wholeField: false, out var end, out var value, out var alt) && DateParser.EndsToken(text, end))
                {
                    hits.Add(new DateHit(i, end - i, value, alt));
                    i = end - 1;
                    continue;
                }
                // A month name starts a word: the word's other letters cannot start one, so they are passed over.
                while (i + 1 < text.Length && char.IsLetter(text[i + 1])) i++;
            }
        }
    }

    /// <summary>Writes yyyyMMdd as eight digits ("19650312"); returns 8.</summary>
    public static int Format(int yyyymmdd, Span<char> destination)
    {
        if (destination.Length < 8) throw new ArgumentException("Eight characters are needed.", nameof(destination));
        if ((uint)yyyymmdd > 99_999_999) throw new ArgumentOutOfRangeException(nameof(yyyymmdd));
        for (var i = 7; i >= 0; i--)
        {
            destination[i] = (char)('0' + (yyyymmdd % 10));
            yyyymmdd /= 10;
        }
        return 8;
    }

    /// <summary>The eight-character string of a date value.</summary>
    public static string ToText(int yyyymmdd)
    {
        Span<char> buffer = stackalloc char[8];
        Format(yyyymmdd, buffer);
        return new string(buffer);
    }
}
