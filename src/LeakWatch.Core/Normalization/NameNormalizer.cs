using System.Buffers;
using System.Text;

namespace LeakWatch.Core.Normalization;

/// <summary>
/// Last names, first names and full names the French way: diacritics dropped, upper-case ASCII, apostrophes,
/// hyphens and spaces folded to one separator, leading civilities dropped. The compact form (letters only) is
/// what is fingerprinted, so "LE GALL", "Le-Gall" and "LEGALL" agree, and so do "D'ALMEIDA" and "DALMEIDA".
/// </summary>
/// <remarks>
/// A name is made of Latin letters only: a digit, '@', another symbol or a non-Latin script means the text is
/// not a name (null / -1). That keeps dates, codes and emails out of the name lookups of the scanner.
/// </remarks>
internal static class NameNormalizer
{
    private const int NotAName = -1;
    private const int TooSmall = -2;
    // Word starts remembered for civility removal; more than three civilities in a row is not a name anyway.
    private const int TrackedWords = 4;
    private const int StackLimit = 256;

    /// <summary>The spaced form ("D ALMEIDA", "LE GALL", "DE LA FONTAINE"), or null when not a name.</summary>
    public static string? Spaced(ReadOnlySpan<char> raw) => Create(raw, spaced: true);

    /// <summary>The compact form, letters only ("DALMEIDA", "LEGALL"), or null when not a name.</summary>
    public static string? Compact(ReadOnlySpan<char> raw) => Create(raw, spaced: false);

    /// <summary>
    /// The compact form written into <paramref name="destination"/> without allocating: its length, or -1 when
    /// <paramref name="raw"/> is not a name or <paramref name="destination"/> is too small.
    /// </summary>
    public static int CompactInto(ReadOnlySpan<char> raw, Span<char> destination)
    {
        var length = Fold(raw, destination, spaced: false);
        return length < 0 ? -1 : length;
    }

    /// <summary>
    /// One word of a cell or of prose, compacted into <paramref name="destination"/>: the same as
    /// <see cref="Compact"/> for a word that is not a civility, -1 for a civility or what is not a name. Folds once
    /// where <see cref="IsCivility"/> then <see cref="Compact"/> folded twice and allocated: prose has many words.
    /// </summary>
    public static int CompactWordInto(ReadOnlySpan<char> word, Span<char> destination)
    {
        var length = Fold(word, destination, spaced: false, stripCivilities: false);
        if (length <= 0 || IsCivilityUpper(destination[..length])) return -1;
        // Civilities are stripped only before another word: a word the fold reads as letters alone has none to strip.
        // (Not char.IsLetter: the fold takes some letters, such as the modifier apostrophe in MʼBALA, for separators.)
        foreach (var c in word)
        {
            if (LatinFolding.Fold(c, out _, out _) == CharKind.Letter) continue;
            length = Fold(word, destination, spaced: false);
            return length <= 0 ? -1 : length;
        }
        return length;
    }

    /// <summary>True when <paramref name="word"/> (any case, accents, trailing dot) is a civility: M., Mme, Dr...</summary>
    public static bool IsCivility(ReadOnlySpan<char> word)
    {
        Span<char> buffer = stackalloc char[32];
        var length = Fold(word, buffer, spaced: false, stripCivilities: false);
        return length > 0 && IsCivilityUpper(buffer[..length]);
    }

    /// <summary>
    /// The distinct compact forms of a first-name list ("Marie Claire Anne", "Jean-Pierre", "MARIE, CLAIRE"):
    /// the whole list, each given name, then the first two together. A hyphenated compound is one given name
    /// (JEAN-PIERRE gives JEANPIERRE, not JEAN). Initials ("J.") count in the whole list but are not given
    /// names of their own; civilities ("Mme Marie") are dropped. Empty when there is no name.
    /// </summary>
    public static IReadOnlyList<string> FirstNameVariants(ReadOnlySpan<char> rawFirstNames)
    {
        var names = new List<string>(4);
        var whole = new StringBuilder(rawFirstNames.Length);
        var rest = rawFirstNames;
        while (!rest.IsEmpty)
        {
            var cut = rest.IndexOfAny(GivenNameSeparators);
            var token = cut < 0 ? rest : rest[..cut];
            rest = cut < 0 ? [] : rest[(cut + 1)..];
            if (token.IsWhiteSpace()) continue;
            var compact = Create(token, spaced: false, stripCivilities: false);
            if (compact is null || IsCivilityUpper(compact)) continue;
            whole.Append(compact);
            if (compact.Length >= 2) names.Add(compact);
        }
        if (whole.Length == 0) return [];
        var variants = new List<string>(names.Count + 2) { whole.ToString() };
        foreach (var name in names) AddDistinct(variants, name);
        if (names.Count >= 2) AddDistinct(variants, string.Concat(names[0], names[1]));
        return variants;
    }

    /// <summary>
    /// The parts of a compound last name that a leak may show alone: DUPONT and MARTIN of "DUPONT-MARTIN" or
    /// "Dupont Martin", FONTAINE of "DE LA FONTAINE", ALMEIDA of "D'ALMEIDA". Particles (DE, LA, LE, VAN, BEN...) are
    /// never parts. Empty for a one-word name. The whole name's compact form is not repeated here.
    /// </summary>
    public static IReadOnlyList<string> CompoundParts(ReadOnlySpan<char> rawLastName)
    {
        var spaced = Spaced(rawLastName);
        if (spaced is null || !spaced.Contains(' ', StringComparison.Ordinal)) return [];
        var parts = new List<string>(2);
        foreach (var word in spaced.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (word.Length < 2 || Particles.Contains(word)) continue;
            AddDistinct(parts, word);
        }
        return parts;
    }

    private static readonly System.Collections.Frozen.FrozenSet<string> Particles = System.Collections.Frozen.FrozenSet.ToFrozenSet(
    [
        "DE", "DU", "DES", "LA", "LE", "LES", "DI", "DA", "DEL", "DELLA", "DELLE", "DELA", "DOS", "DAS", "DO", "VAN", "VON", "DER",
        "DEN", "TEN", "TER", "VANDER", "VANDEN", "AL", "EL", "BEN", "BIN", "IBN", "AIT", "OULD", "SAINT", "SAINTE", "ST", "STE", "Y", "E",
    ], StringComparer.Ordinal);

    private static readonly SearchValues<char> GivenNameSeparators = SearchValues.Create(" \t,;/\u00A0");

    private static void AddDistinct(List<string> list, string value)
    {
        if (!list.Contains(value)) list.Add(value);
    }

    private static string? Create(ReadOnlySpan<char> raw, bool spaced, bool stripCivilities = true)
    {
        // Each character folds to at most two letters, and spaces never outnumber letters.
        var capacity = raw.Length * 2;
        char[]? rented = null;
        Span<char> buffer = capacity <= StackLimit ? stackalloc char[StackLimit] : (rented = ArrayPool<char>.Shared.Rent(capacity));
        try
        {
            var length = Fold(raw, buffer, spaced, stripCivilities);
            return length <= 0 ? null : new string(buffer[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                rented.AsSpan(0, capacity).Clear();
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>One pass: fold letters, collapse separators, remember where words start, then drop civilities.</summary>
    private static int Fold(ReadOnlySpan<char> raw, Span<char> destination, bool spaced, bool stripCivilities = true)
    {
        Span<int> starts = stackalloc int[TrackedWords];
        var length = 0;
        var words = 0;
        var inWord = false;
        var i = 0;
        while (i < raw.Length)
        {
            var c = raw[i];
            CharKind kind;
            char first;
            var second = '\0';
            var isAsciiLetter = (uint)((c | 0x20) - 'a') <= 'z' - 'a';
            if (isAsciiLetter)
            {
                kind = CharKind.Letter;
                first = c;
            }
            else
            {
                kind = LatinFolding.Fold(c, out first, out second);
            }
            switch (kind)
            {
                case CharKind.Letter:
                    if (!inWord)
                    {
                        if (spaced && words > 0)
                        {
                            if (length >= destination.Length) return TooSmall;
                            destination[length++] = ' ';
                        }
                        if (words < TrackedWords) starts[words] = length;
                        words++;
                        inWord = true;
                    }
                    if (isAsciiLetter)
                    {
                        // Fast path, the bulk of every dump: a tight loop over a run of ASCII letters.
                        do
                        {
                            if ((uint)length >= (uint)destination.Length) return TooSmall;
                            destination[length++] = (char)(c & ~0x20);
                            if (++i == raw.Length) break;
                            c = raw[i];
                        }
                        while ((uint)((c | 0x20) - 'a') <= 'z' - 'a');
                        continue;
                    }
                    if (length >= destination.Length) return TooSmall;
                    destination[length++] = first;
                    if (second != '\0')
                    {
                        if (length >= destination.Length) return TooSmall;
                        destination[length++] = second;
                    }
                    break;
                case CharKind.Separator:
                    inWord = false;
                    break;
                case CharKind.Ignorable:
                    break;
                default:
                    return NotAName;
            }
            i++;
        }
        if (words == 0) return NotAName;
        if (!stripCivilities || words == 1) return length;

        // Leading civilities go, but only while a word remains after them ("M" alone stays "M").
        var dropped = 0;
        var limit = Math.Min(words, TrackedWords) - 1;
        while (dropped < limit)
        {
            var end = spaced ? starts[dropped + 1] - 1 : starts[dropped + 1];
            if (!IsCivilityUpper(destination[starts[dropped]..end])) break;
            dropped++;
        }
        if (dropped == 0) return length;
        var from = starts[dropped];
        destination[from..length].CopyTo(destination);
        return length - from;
    }

    /// <summary>Civilities as they fold: upper case, letters only (M., Mme, Mlle, Dr, Pr, Me, Vve...).</summary>
    private static bool IsCivilityUpper(ReadOnlySpan<char> word) => word switch
    {
        "M" or "MM" or "MR" or "MRS" or "MS" or "MME" or "MMES" or "MLLE" or "MLLES" or "MLE" or "MELLE" => true,
        "MONSIEUR" or "MADAME" or "MADEMOISELLE" or "MESSIEURS" or "MESDAMES" or "MISTER" or "MISS" => true,
        "DR" or "DOCTEUR" or "DOCTOR" or "PR" or "PROF" or "PROFESSEUR" or "PROFESSOR" => true,
        "ME" or "MAITRE" or "VVE" or "VEUVE" => true,
        _ => false,
    };
}
