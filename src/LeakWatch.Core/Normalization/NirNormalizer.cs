namespace LeakWatch.Core.Normalization;

/// <summary>
/// The French NIR ("numéro de sécurité sociale"): sex, year, month, department (2A/2B for Corsica), commune,
/// order number, then a two-digit key = 97 - (body mod 97), where 2A counts as 19 and 2B as 18 (INSEE rule,
/// as python-stdnum's fr.nir computes it). The 13-character body is what is fingerprinted; the key is checked,
/// not hashed, since HL7 INS fields carry the body alone.
/// </summary>
internal static class NirNormalizer
{
    private const int BodyLength = 13;
    private const int FullLength = 15;

    /// <summary>
    /// The body of a whole field that is a NIR: 15 characters with a valid key, or the 13-character body alone;
    /// spaces, dots and dashes allowed inside. Null otherwise (a wrong key is not a NIR).
    /// </summary>
    public static string? Body(ReadOnlySpan<char> raw)
    {
        var s = raw.Trim();
        // Cheap rejections first: the scanner asks this of every field.
        if (s.Length < BodyLength || s.Length > 32 || s[0] is not ('1' or '2' or '3' or '4' or '7' or '8')) return null;
        if (!s.ContainsAnyExceptInRange('0', '9'))
        {
            // Digits only, the usual layout: no copy needed.
            return s.Length switch
            {
                BodyLength when HasValidStructure(s) => new string(s),
                FullLength when IsValidFull(s) => new string(s[..BodyLength]),
                _ => null,
            };
        }
        Span<char> buffer = stackalloc char[FullLength];
        var count = 0;
        foreach (var c in s)
        {
            if (IsSeparator(c)) continue;
            if (count == FullLength || !TryAccept(buffer, count, c)) return null;
            buffer[count++] = ToUpper(c);
        }
        return count switch
        {
            BodyLength when HasValidStructure(buffer[..BodyLength]) => new string(buffer[..BodyLength]),
            FullLength when IsValidFull(buffer) => new string(buffer[..BodyLength]),
            _ => null,
        };
    }

    /// <summary>True when <paramref name="key"/> is the key of <paramref name="body13"/> (97 - body mod 97).</summary>
    public static bool HasValidKey(ReadOnlySpan<char> body13, int key)
    {
        if (body13.Length != BodyLength) return false;
        // Thirteen digits fit a long: one division instead of one per digit.
        long number = 0;
        for (var i = 0; i < BodyLength; i++)
        {
            var c = body13[i];
            var digit = c - '0';
            if (i == 6 && (c | 0x20) is 'a' or 'b')
            {
                // 2A reads as 19, 2B as 18: the '2' already counted becomes a '1'.
                if (body13[5] != '2') return false;
                number -= 1;
                digit = (c | 0x20) == 'a' ? 9 : 8;
            }
            else if ((uint)digit > 9)
            {
                return false;
            }
            number = number * 10 + digit;
        }
        return 97 - (int)(number % 97) == key;
    }

    /// <summary>Finds NIRs in free text: 15 characters with a valid key, or a 13-character body standing alone.</summary>
    public static void FindAll(ReadOnlySpan<char> text, List<NirHit> hits)
    {
        Span<char> buffer = stackalloc char[FullLength];
        Span<int> ends = stackalloc int[FullLength];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is not ('1' or '2' or '3' or '4' or '7' or '8')) continue;
            if (i > 0 && (char.IsLetterOrDigit(text[i - 1]) || IsSeparatorAfterDigit(text, i - 1))) continue;

            // Collect significant characters; a separator is allowed only between two of them.
            var count = 0;
            var j = i;
            var more = false;
            while (j < text.Length)
            {
                var ch = text[j];
                if (IsSeparator(ch))
                {
                    if (j + 1 < text.Length && IsNirChar(text[j + 1]) && !IsSeparator(text[j - 1])) { j++; continue; }
                    break;
                }
                if (!IsNirChar(ch)) break;
                if (count == FullLength || !TryAccept(buffer, count, ch))
                {
                    more = true;
                    break;
                }
                buffer[count] = ToUpper(ch);
                ends[count++] = j + 1;
                j++;
            }
            var nextIsWord = j < text.Length && char.IsLetterOrDigit(text[j]);
            if (count == FullLength && !more && !nextIsWord && IsValidFull(buffer))
            {
                hits.Add(new NirHit(i, ends[FullLength - 1] - i, new string(buffer[..BodyLength])));
                i = j - 1;
            }
            else if (count == BodyLength && !more && !nextIsWord && HasValidStructure(buffer[..BodyLength]))
            {
                hits.Add(new NirHit(i, ends[BodyLength - 1] - i, new string(buffer[..BodyLength])));
                i = j - 1;
            }
            else
            {
                // Skip the rest of this run: a NIR does not start in the middle of a number.
                while (i + 1 < text.Length && char.IsLetterOrDigit(text[i + 1])) i++;
            }
        }
    }

    private static bool IsValidFull(ReadOnlySpan<char> fifteen)
    {
        var k0 = fifteen[13] - '0';
        var k1 = fifteen[14] - '0';
        if ((uint)k0 > 9 || (uint)k1 > 9) return false;
        return HasValidStructure(fifteen[..BodyLength]) && HasValidKey(fifteen[..BodyLength], k0 * 10 + k1);
    }

    /// <summary>
    /// Cheap structure checks on a 13-character body: sex 1, 2 (3, 4 for temporary numbers, 7, 8 for
    /// provisional ones), month 01-12, 20-42 or 50-99 (unknown or pseudo months), department not 00,
    /// order number not 000, and not one digit repeated (keyboard junk).
    /// </summary>
    private static bool HasValidStructure(ReadOnlySpan<char> body)
    {
        if (body[0] is not ('1' or '2' or '3' or '4' or '7' or '8')) return false;
        var month = (body[3] - '0') * 10 + (body[4] - '0');
        if (month is 0 or (> 12 and < 20) or (> 42 and < 50)) return false;
        if (body[5] == '0' && body[6] == '0') return false;
        if (body[10] == '0' && body[11] == '0' && body[12] == '0') return false;
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            var letterAllowed = i == 6 && body[5] == '2';
            if ((uint)(c - '0') > 9 && !(letterAllowed && c is 'A' or 'B')) return false;
        }
        return body.IndexOfAnyExcept(body[0]) >= 0;
    }

    private static bool TryAccept(ReadOnlySpan<char> buffer, int index, char c)
    {
        if ((uint)(c - '0') <= 9) return true;
        return index == 6 && buffer[5] == '2' && (c | 0x20) is 'a' or 'b';
    }

    private static bool IsNirChar(char c) => (uint)(c - '0') <= 9 || (c | 0x20) is 'a' or 'b';

    private static char ToUpper(char c) => c is 'a' or 'b' ? (char)(c & ~0x20) : c;

    private static bool IsSeparator(char c) => c is ' ' or '.' or '-' or '\u00A0' or '\u202F';

    private static bool IsSeparatorAfterDigit(ReadOnlySpan<char> text, int i) =>
        IsSeparator(text[i]) && text[i] != ' ' && i > 0 && (uint)(text[i - 1] - '0') <= 9;
}
