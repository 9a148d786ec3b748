namespace LeakWatch.Core.Normalization;

/// <summary>
/// The date grammar behind <see cref="BirthDateNormalizer"/>: day-first numeric (12/03/1965, 12-03-65, 12.3.1965,
/// and 12 03 1965 as a whole field), year-first (1965-03-12), compact (19650312, 12031965, HL7 196503121200),
/// day and month name (12 mars 1965, 1er mars 1965, 12-MAR-65), month name first (March 12, 1965).
/// No Regex: it runs on every field of every dump.
/// </summary>
internal static class DateParser
{
    internal static bool TryParse(ReadOnlySpan<char> s, int p, bool wholeField, out int end, out int value, out int alt)
    {
        end = p;
        value = 0;
        alt = 0;
        if (p >= s.Length) return false;
        if (!IsAsciiDigit(s[p])) return TryParseMonthFirst(s, p, out end, out value, out alt);

        var run = CountDigits(s, p);
        var q = p + run;
        switch (run)
        {
            case 8:
                end = q;
                return TryCompact(s.Slice(p, 8), out value);
            case 10 or 12 or 14 when wholeField:
                // HL7 TS: yyyyMMddHH[mm[ss]].
                end = q;
                return IsTimeOfDay(s.Slice(p + 8, run - 8)) && TryMake(Read(s, p, 4), 4, Read(s, p + 4, 2), Read(s, p + 6, 2), out value, out alt);
            case 6 when wholeField:
                // ddMMyy: only as a whole field, six digits in prose are anything.
                end = q;
                return TryMake(Read(s, p + 4, 2), 2, Read(s, p + 2, 2), Read(s, p, 2), out value, out alt);
            case 4:
                return TryParseYearFirst(s, p, out end, out value, out alt);
            case 1 or 2:
                return TryParseDayFirst(s, p, run, wholeField, out end, out value, out alt);
            default:
                return false;
        }
    }

    // 1965-03-12, 1965/3/12, 1965.03.12
    private static bool TryParseYearFirst(ReadOnlySpan<char> s, int p, out int end, out int value, out int alt)
    {
        end = p;
        value = 0;
        alt = 0;
        var q = p + 4;
        if (q + 1 >= s.Length || !IsNumericSeparator(s[q])) return false;
        var separator = s[q++];
        var monthDigits = CountDigits(s, q);
        if (monthDigits is < 1 or > 2) return false;
        var month = Read(s, q, monthDigits);
        q += monthDigits;
        if (q + 1 >= s.Length || s[q] != separator) return false;
        q++;
        var dayDigits = CountDigits(s, q);
        if (dayDigits is < 1 or > 2) return false;
        var day = Read(s, q, dayDigits);
        end = q + dayDigits;
        return TryMake(Read(s, p, 4), 4, month, day, out value, out alt);
    }

    // 12/03/1965, 12-03-65, 12.3.1965, 12 03 1965, 12 mars 1965, 1er mars 1965, 12-MAR-65, 12 mar. 1965
    private static bool TryParseDayFirst(ReadOnlySpan<char> s, int p, int dayDigits, bool wholeField, out int end, out int value, out int alt)
    {
        end = p;
        value = 0;
        alt = 0;
        var day = Read(s, p, dayDigits);
        var q = p + dayDigits;
        if (q >= s.Length) return false;
        int month;
        // "12 03 1965" only as a whole field: in prose, digit groups split by spaces are phones and NIRs.
        if ((IsNumericSeparator(s[q]) || (wholeField && s[q] == ' ')) && q + 1 < s.Length && IsAsciiDigit(s[q + 1]))
        {
            var separator = s[q++];
            var monthDigits = CountDigits(s, q);
            if (monthDigits > 2) return false;
            month = Read(s, q, monthDigits);
            q += monthDigits;
            if (q >= s.Length || s[q] != separator) return false;
            q++;
        }
        else
        {
            q = SkipOrdinal(s, q);
            q = SkipSpacesOr(s, q, '-', '.');
            month = MonthNames.Read(s, q, out q);
            if (month == 0) return false;
            q = SkipSpacesOr(s, q, '-', ',');
            // In prose "le 12 mars, 14 patients" is no date; a two-digit year after a month name is only taken
            // whole ("12 mars 65") or in the Oracle layout "12-MAR-65".
            if (!wholeField && CountDigits(s, q) == 2 && s[q - 1] != '-') return false;
        }
        var yearDigits = CountDigits(s, q);
        if (yearDigits is not (2 or 4)) return false;
        end = q + yearDigits;
        return TryMake(Read(s, q, yearDigits), yearDigits, month, day, out value, out alt);
    }

    // March 12, 1965 / mars 12 1965
    private static bool TryParseMonthFirst(ReadOnlySpan<char> s, int p, out int end, out int value, out int alt)
    {
        end = p;
        value = 0;
        alt = 0;
        var month = MonthNames.Read(s, p, out var q);
        if (month == 0) return false;
        var afterMonth = SkipSpacesOr(s, q, '-', '-');
        if (afterMonth == q) return false;
        q = afterMonth;
        var dayDigits = CountDigits(s, q);
        if (dayDigits is < 1 or > 2) return false;
        var day = Read(s, q, dayDigits);
        q = SkipOrdinal(s, q + dayDigits);
        var afterDay = SkipSpacesOr(s, q, ',', ',');
        if (afterDay == q) return false;
        q = afterDay;
        if (CountDigits(s, q) != 4) return false;
        end = q + 4;
        return TryMake(Read(s, q, 4), 4, month, day, out value, out alt);
    }

    // yyyyMMdd first, then ddMMyyyy: a valid yyyyMMdd needs digits 5-6 at most 12, which would make the
    // ddMMyyyy year start with 00-12, out of range; the two readings never both succeed.
    private static bool TryCompact(ReadOnlySpan<char> d, out int value) =>
        TryMake(Read(d, 0, 4), 4, Read(d, 4, 2), Read(d, 6, 2), out value, out _)
        || TryMake(Read(d, 4, 4), 4, Read(d, 2, 2), Read(d, 0, 2), out value, out _);

    private static bool TryMake(int year, int yearDigits, int month, int day, out int value, out int alt)
    {
        value = 0;
        alt = 0;
        if (month > 12 || day > 31 || month < 0 || day < 0) return false;
        if (yearDigits == 2)
        {
            value = ((1900 + year) * 100 + month) * 100 + day;
            alt = ((2000 + year) * 100 + month) * 100 + day;
            return true;
        }
        if (year is < BirthDateNormalizer.MinYear or > BirthDateNormalizer.MaxYear) return false;
        value = (year * 100 + month) * 100 + day;
        return true;
    }

    private static bool IsTimeOfDay(ReadOnlySpan<char> digits) =>
        Read(digits, 0, 2) <= 23
        && (digits.Length < 4 || Read(digits, 2, 2) <= 59)
        && (digits.Length < 6 || Read(digits, 4, 2) <= 60);

    /// <summary>Skips "T10:30", " 00:00:00.000", "Z", "+01:00", "+0100" after a date; returns p when none.</summary>
    internal static int SkipTime(ReadOnlySpan<char> s, int p)
    {
        var q = p;
        if (q < s.Length && (s[q] == 'T' || s[q] == ' '))
        {
            var t = q + 1;
            while (t < s.Length && s[t] == ' ') t++;
            if (CountDigits(s, t) is 1 or 2 && t + 2 < s.Length)
            {
                t += CountDigits(s, t);
                if (t < s.Length && (s[t] == ':' || s[t] == 'h'))
                {
                    t++;
                    var minutes = CountDigits(s, t);
                    if (minutes == 2)
                    {
                        t += 2;
                        if (t + 2 < s.Length && s[t] == ':' && CountDigits(s, t + 1) == 2)
                        {
                            t += 3;
                            if (t + 1 < s.Length && (s[t] == '.' || s[t] == ',') && CountDigits(s, t + 1) > 0) t += 1 + CountDigits(s, t + 1);
                        }
                        q = t;
                    }
                }
            }
        }
        if (q < s.Length && s[q] == 'Z') return q + 1;
        if (q < s.Length && (s[q] == '+' || s[q] == '-'))
        {
            var t = q + 1;
            var hours = CountDigits(s, t);
            if (hours == 4) return t + 4;
            if (hours == 2)
            {
                t += 2;
                if (t < s.Length && s[t] == ':' && CountDigits(s, t + 1) == 2) return t + 3;
                return t;
            }
        }
        return q;
    }

    internal static int SkipWeekday(ReadOnlySpan<char> s)
    {
        Span<char> word = stackalloc char[10];
        var length = 0;
        var i = 0;
        for (; i < s.Length && length < word.Length; i++)
        {
            if (LatinFolding.Fold(s[i], out var first, out _) != CharKind.Letter) break;
            word[length++] = first;
        }
        if (!MonthNames.IsWeekday(word[..length])) return 0;
        if (i < s.Length && s[i] == '.') i++;
        var after = SkipSpacesOr(s, i, ',', ',');
        return after == i ? 0 : after;
    }

    private static int SkipOrdinal(ReadOnlySpan<char> s, int q)
    {
        if (q + 1 >= s.Length) return q;
        var a = (char)(s[q] | 0x20);
        var b = (char)(s[q + 1] | 0x20);
        var isOrdinal = (a, b) is ('e', 'r') or ('s', 't') or ('n', 'd') or ('r', 'd') or ('t', 'h');
        if (!isOrdinal) return q;
        // "1er" but not "1 erreur": the suffix must end the word.
        return q + 2 < s.Length && char.IsLetter(s[q + 2]) ? q : q + 2;
    }

    private static int SkipSpacesOr(ReadOnlySpan<char> s, int q, char a, char b)
    {
        var seenPunctuation = false;
        while (q < s.Length)
        {
            var c = s[q];
            if (c is ' ' or '\u00A0' or '\t')
            {
                q++;
            }
            else if ((c == a || c == b) && !seenPunctuation)
            {
                seenPunctuation = true;
                q++;
            }
            else
            {
                break;
            }
        }
        return q;
    }

    internal static bool StartsToken(ReadOnlySpan<char> s, int i)
    {
        if (i == 0) return true;
        var previous = s[i - 1];
        if (char.IsLetterOrDigit(previous)) return false;
        // "06.12.34.56.78" or "1.65.03": a part of a longer dotted number is not a date.
        return !(IsNumericSeparator(previous) && i >= 2 && IsAsciiDigit(s[i - 2]));
    }

    internal static bool EndsToken(ReadOnlySpan<char> s, int end)
    {
        if (end >= s.Length) return true;
        var next = s[end];
        if (char.IsLetterOrDigit(next)) return false;
        return !(IsNumericSeparator(next) && end + 1 < s.Length && IsAsciiDigit(s[end + 1]));
    }

    private static bool IsNumericSeparator(char c) => c is '/' or '-' or '.';

    internal static bool IsAsciiDigit(char c) => (uint)(c - '0') <= 9;

    private static int CountDigits(ReadOnlySpan<char> s, int p)
    {
        var q = p;
        while (q < s.Length && IsAsciiDigit(s[q])) q++;
        return q - p;
    }

    private static int Read(ReadOnlySpan<char> s, int p, int digits)
    {
        var n = 0;
        for (var i = 0; i < digits; i++) n = n * 10 + (s[p + i] - '0');
        return n;
    }
}
