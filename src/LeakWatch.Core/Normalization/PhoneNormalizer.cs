using PhoneNumbers;

namespace LeakWatch.Core.Normalization;

/// <summary>
/// Phone numbers to E.164. The French forms (06 12 34 56 78, 06.12.34.56.78, 0612345678, +33 6 12 34 56 78,
/// +33 (0)6 12 34 56 78, 0033612345678, 33612345678) go through a hand-written path: scans call this millions
/// of times and libphonenumber costs microseconds a call. Other international numbers go to libphonenumber,
/// which must find them valid. A test holds the fast path to libphonenumber's answers.
/// </summary>
/// <remarks>
/// French overseas numbers dialled the French way (0262 ..., 0692 ..., even "+33 262 ...") are written with
/// their own country code (+262 262 ...), as libphonenumber does for the region RE/GP/MQ/GF/YT: the lab and a
/// leak may write the same Réunion number either way. Digit strings of other lengths (dates, NIRs, postal
/// codes, short numbers, nine digits with the leading zero lost) are not phones.
/// </remarks>
internal static class PhoneNormalizer
{
    private const int MaxDigits = 17;
    private const int MaxFieldLength = 40;
    private static readonly PhoneNumberUtil Library = PhoneNumberUtil.GetInstance();
    // The C# port has had thread-safety reports (twcclegg/libphonenumber-csharp #84, #96); the slow path is rare
    // (foreign numbers only), so one lock costs nothing that matters and rules the question out.
    private static readonly Lock LibraryLock = new();

    /// <summary>The E.164 form of a whole field that is a phone number, or null.</summary>
    /// <param name="phoneColumn">
    /// True when the field is known to hold a phone (the export's TELEPHONE column, a column hinted Phone):
    /// then nine digits are a French number whose leading zero a spreadsheet dropped (612345678). Elsewhere
    /// nine digits are too often something else (FINESS numbers, references).
    /// </param>
    public static string? ToE164(ReadOnlySpan<char> raw, bool phoneColumn = false)
    {
        var s = raw.Trim();
        if (s.Length < 8 || s.Length > MaxFieldLength) return null;
        Span<char> digits = stackalloc char[MaxDigits];
        var plus = false;
        var count = 0;
        var open = false;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if ((uint)(c - '0') <= 9)
            {
                if (count == MaxDigits) return null;
                digits[count++] = c;
            }
            else if (c == '+' && i == 0)
            {
                plus = true;
            }
            else if (c == '(' && !open)
            {
                open = true;
            }
            else if (c == ')' && open)
            {
                open = false;
            }
            else if (!IsSeparator(c))
            {
                return null;
            }
        }
        if (open) return null;
        if (phoneColumn && !plus && count == 9 && digits[0] != '0') return French(digits[..9]);
        return FromDigits(digits[..count], plus);
    }

    /// <summary>Finds phone numbers inside free text ("tél. 06 12 34 56 78", "+33 6 12 34 56 78").</summary>
    public static void FindAll(ReadOnlySpan<char> text, List<PhoneHit> hits)
    {
        Span<int> groupEnds = stackalloc int[MaxDigits + 1];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var isDigit = (uint)(c - '0') <= 9;
            if (!isDigit && !(c == '+' && i + 1 < text.Length && (uint)(text[i + 1] - '0') <= 9)) continue;
            if (i > 0 && (char.IsLetterOrDigit(text[i - 1]) || text[i - 1] == '+' || IsJoinedToNumber(text, i - 1)))
            {
                while (i + 1 < text.Length && char.IsLetterOrDigit(text[i + 1])) i++;
                continue;
            }

            // The run: digits with single separators and a "(0)" between them; groups end at each separator.
            var j = c == '+' ? i + 1 : i;
            var digits = 0;
            var groups = 0;
            while (j < text.Length)
            {
                var ch = text[j];
                if ((uint)(ch - '0') <= 9)
                {
                    if (++digits > MaxDigits) break;
                    j++;
                    continue;
                }
                if ((uint)(text[j - 1] - '0') <= 9 && groups < groupEnds.Length) groupEnds[groups++] = j;
                if (ch == '(' && j + 2 < text.Length && text[j + 1] == '0' && text[j + 2] == ')')
                {
                    j += 3;
                    if (j < text.Length && text[j] == ' ') j++;
                    continue;
                }
                if (IsRunSeparator(ch) && j + 1 < text.Length && ((uint)(text[j + 1] - '0') <= 9 || text[j + 1] == '('))
                {
                    j++;
                    continue;
                }
                break;
            }
            if (j == text.Length && (uint)(text[j - 1] - '0') <= 9 && groups < groupEnds.Length) groupEnds[groups++] = j;
            var found = false;
            // Longest run first, then shorter runs cut at group boundaries: "06 12 34 56 78 12 rue ..." still gives the phone.
            for (var g = groups - 1; g >= 0 && !found; g--)
            {
                var end = groupEnds[g];
                while (end > i && !char.IsAsciiDigit(text[end - 1])) end--;
                if (end <= i || (end < text.Length && char.IsLetter(text[end]))) continue;
                var e164 = ToE164(text[i..end]);
                if (e164 is null) continue;
                hits.Add(new PhoneHit(i, end - i, e164));
                i = end - 1;
                found = true;
            }
            // A phone does not start in the middle of a longer run of digit groups (a NIR, a reference).
            if (!found) i = Math.Max(i, j - 1);
        }
    }

    private static string? FromDigits(ReadOnlySpan<char> d, bool plus)
    {
        if (plus) return International(d);
        if (d.Length == 10 && d[0] == '0' && d[1] != '0') return French(d[1..]);
        if (d.Length >= 4 && d[0] == '0' && d[1] == '0') return International(d[2..]);
        if (d.Length == 11 && d[0] == '3' && d[1] == '3' && d[2] != '0') return French(d[2..]);
        if (d.Length == 12 && d[0] == '3' && d[1] == '3' && d[2] == '0' && d[3] != '0') return French(d[3..]);
        return null;
    }

    private static string? International(ReadOnlySpan<char> d)
    {
        if (d.Length >= 2 && d[0] == '3' && d[1] == '3')
        {
            var national = d[2..];
            // "+33 (0)6 ..." and the frequent "+33 06 ...": the trunk zero goes.
            if (national.Length == 10 && national[0] == '0') national = national[1..];
            return national.Length == 9 && national[0] != '0' ? French(national) : null;
        }
        // Overseas departments: the same rule as their national form (0692..., 0590...) so that every way of
        // writing one number gives one answer, whether or not libphonenumber knows the block is assigned.
        if (d.Length >= 3 && d[..3] is "262" or "590" or "594" or "596")
        {
            var national = d[3..];
            if (national.Length == 10 && national[0] == '0') national = national[1..];
            if (national.Length == 9 && OverseasCountryCode(national) is { } code && d.StartsWith(code)) return French(national);
        }
        if (d.Length is < 7 or > 15 || d[0] == '0' || !CallingCodes.IsPlausible(d)) return null;
        return ViaLibrary(d);
    }

    private static string French(ReadOnlySpan<char> nine)
    {
        var countryCode = OverseasCountryCode(nine);
        return countryCode is null ? string.Concat("+33", nine) : string.Concat("+", countryCode, nine);
    }

    /// <summary>The country code of a French overseas number by its first three national digits, or null for +33.</summary>
    internal static string? OverseasCountryCode(ReadOnlySpan<char> nine) => nine[..3] switch
    {
        "262" or "263" or "692" or "693" or "269" or "639" => "262", // Réunion, Mayotte
        "590" or "690" or "691" => "590", // Guadeloupe, Saint-Martin, Saint-Barthélemy
        "594" or "694" => "594", // Guyane
        "596" or "696" or "697" => "596", // Martinique
        _ => null,
    };

    private static string? ViaLibrary(ReadOnlySpan<char> internationalDigits)
    {
        var text = string.Concat("+", internationalDigits);
        lock (LibraryLock)
        {
            try
            {
                var number = Library.Parse(text, "FR");
                return Library.IsValidNumber(number) ? Library.Format(number, PhoneNumberFormat.E164) : null;
            }
            catch (NumberParseException)
            {
                return null;
            }
        }
    }

    private static bool IsSeparator(char c) => c is ' ' or '.' or '-' or '/' or '\u00A0' or '\u202F' or '\t';

    private static bool IsRunSeparator(char c) => c is ' ' or '.' or '-' or '\u00A0' or '\u202F';

    // "1965-03-12" or "12.03.1965": a digit glued to the previous number by '.', '-' or '/' belongs to it.
    private static bool IsJoinedToNumber(ReadOnlySpan<char> text, int i) =>
        text[i] is '.' or '-' or '/' && i > 0 && (uint)(text[i - 1] - '0') <= 9;
}
