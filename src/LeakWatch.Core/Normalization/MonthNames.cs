namespace LeakWatch.Core.Normalization;

/// <summary>French and English month names and their usual abbreviations, accents and case ignored.</summary>
internal static class MonthNames
{
    private const int MaxLength = 10;

    /// <summary>True for letters that can start a month name: a cheap filter before reading a word.</summary>
    public static bool CanStart(char c) => (c | 0x20) is 'j' or 'f' or 'm' or 'a' or 's' or 'o' or 'n' or 'd';

    /// <summary>
    /// True when three ASCII characters, case ignored, start a month name: "JAN", "FEV", "FEB", "MAR", "AVR", "APR",
    /// "MAI", "MAY", "JUI", "JUN", "JUL", "AOU", "AUG", "SEP", "OCT", "NOV" or "DEC". A digit never matches.
    /// </summary>
    public static bool IsPrefix(char a, char b, char c) =>
        (a | b | c) < 128 && ((a | 0x20) << 16 | (b | 0x20) << 8 | (c | 0x20)) switch
        {
            'j' << 16 | 'a' << 8 | 'n' or 'f' << 16 | 'e' << 8 | 'v' or 'f' << 16 | 'e' << 8 | 'b' => true,
            'm' << 16 | 'a' << 8 | 'r' or 'a' << 16 | 'v' << 8 | 'r' or 'a' << 16 | 'p' << 8 | 'r' => true,
            'm' << 16 | 'a' << 8 | 'i' or 'm' << 16 | 'a' << 8 | 'y' => true,
            'j' << 16 | 'u' << 8 | 'i' or 'j' << 16 | 'u' << 8 | 'n' or 'j' << 16 | 'u' << 8 | 'l' => true,
            'a' << 16 | 'o' << 8 | 'u' or 'a' << 16 | 'u' << 8 | 'g' => true,
            's' << 16 | 'e' << 8 | 'p' or 'o' << 16 | 'c' << 8 | 't' or 'n' << 16 | 'o' << 8 | 'v' or 'd' << 16 | 'e' << 8 | 'c' => true,
            _ => false,
        };

    /// <summary>
    /// Reads a month name at <paramref name="start"/> (letters, then an optional abbreviation dot): the month
    /// (1-12) and the position after it, or 0 when the word is not a month.
    /// </summary>
    public static int Read(ReadOnlySpan<char> text, int start, out int end)
    {
        end = start;
        Span<char> word = stackalloc char[MaxLength + 2];
        var length = 0;
        var i = start;
        for (; i < text.Length; i++)
        {
            var kind = LatinFolding.Fold(text[i], out var first, out var second);
            if (kind == CharKind.Ignorable) continue;
            if (kind != CharKind.Letter) break;
            if (length >= MaxLength) return 0;
            word[length++] = first;
            if (second != '\0') word[length++] = second;
        }
        var month = Lookup(word[..length]);
        if (month == 0) return 0;
        if (i < text.Length && text[i] == '.') i++;
        end = i;
        return month;
    }

    private static int Lookup(ReadOnlySpan<char> word) => word switch
    {
        "JANVIER" or "JANV" or "JAN" or "JANUARY" => 1,
        "FEVRIER" or "FEVR" or "FEV" or "FEB" or "FEBRUARY" => 2,
        "MARS" or "MAR" or "MARCH" => 3,
        "AVRIL" or "AVR" or "APRIL" or "APR" => 4,
        "MAI" or "MAY" => 5,
        "JUIN" or "JUNE" or "JUN" => 6,
        "JUILLET" or "JUIL" or "JULY" or "JUL" => 7,
        "AOUT" or "AOU" or "AUGUST" or "AUG" => 8,
        "SEPTEMBRE" or "SEPT" or "SEP" or "SEPTEMBER" => 9,
        "OCTOBRE" or "OCT" or "OCTOBER" => 10,
        "NOVEMBRE" or "NOV" or "NOVEMBER" => 11,
        "DECEMBRE" or "DEC" or "DECEMBER" => 12,
        _ => 0,
    };

    /// <summary>Reads a day name (lundi, Monday...) so that "lundi 12 mars 1965" is still a whole date.</summary>
    public static bool IsWeekday(ReadOnlySpan<char> upperWord) => upperWord switch
    {
        "LUNDI" or "MARDI" or "MERCREDI" or "JEUDI" or "VENDREDI" or "SAMEDI" or "DIMANCHE" => true,
        "MONDAY" or "TUESDAY" or "WEDNESDAY" or "THURSDAY" or "FRIDAY" or "SATURDAY" or "SUNDAY" => true,
        "LUN" or "MER" or "JEU" or "VEN" or "SAM" or "DIM" => true,
        "MON" or "TUE" or "WED" or "THU" or "FRI" or "SAT" or "SUN" => true,
        _ => false,
    };
}
