using LeakWatch.Core.Fingerprinting;
using LeakWatch.Core.Normalization;

namespace LeakWatch.Core.Matching;

/// <summary>
/// A compact name and whether it is a last name / a first name of the base (unlinked sets). <paramref name="Twice"/>:
/// the text held it at two places ("M. Bernard BERNARD"), so it may stand for a first name and a last name at once.
/// </summary>
internal readonly record struct NameEntry(string Name, bool IsLast, bool IsFirst, bool Twice = false);

/// <summary>
/// What one cell holds that can identify: name words of the base and dates. Identifiers (NIR, phone, email) are
/// unique per row and go straight to the record; everything else recurs ("NEGATIF", "MARTIN", "12/03/1965"), so
/// a cell's reading is memoized by its text and a repeated cell costs one dictionary lookup.
/// </summary>
internal sealed class CellReading(NameEntry[] names, int[] dates)
{
    public static readonly CellReading Empty = new([], []);

    public NameEntry[] Names { get; } = names;

    public int[] Dates { get; } = dates;
}

/// <summary>
/// Classifies the tokens of cells and prose for the matcher: which words are names of the base (as a last name, a
/// first name), which are dates, which are identifiers (NIR, phone, email). Owned by one <see cref="RecordMatcher"/> (one thread);
/// its memos live as long as the matcher, across documents, fixed in size (a few MB at most).
/// <para>
/// Cost follows bytes, not vocabulary: a word is a name only if it is letters alone (a barcode with a digit costs a
/// character scan), and a letters-only word costs two SipHash computations and two probes of the unlinked sets the
/// first time, one in-process hash while it recurs (<see cref="NameSetMemo"/>), with no allocation unless it is a
/// name of the base. Nothing grows with the number of unique cells.
/// </para>
/// </summary>
internal sealed class TokenClassifier(Fingerprinter fp, FingerprintIndex index)
{
    private const int MaxNameWordsPerField = 6;
    private const int MaxSubsequenceWords = 4;
    private const int MaxProseNameWords = 3;
    private const int MemoSlots = 1 << 15;

    private static readonly System.Buffers.SearchValues<char> Separators = System.Buffers.SearchValues.Create(" -'’.,^_\t");
    private static readonly System.Buffers.SearchValues<char> WordBreaks = System.Buffers.SearchValues.Create(" ,;/^_\t\u00A0");

    // One memo per way of reading a cell: "MARTIN" under a date header reads as nothing, under a name header as a name.
    private readonly CellMemo[] _cells = [new(MemoSlots), new(MemoSlots), new(MemoSlots)];
    private const int MaxRunLength = 256;
    private readonly NameSetMemo _names = new();
    private readonly List<RunCandidate> _runs = [];
    private char[] _runText = new char[1024];
    private readonly List<NameEntry> _cellNames = [];
    private readonly List<int> _cellDates = [];
    private readonly CompactWords _words = new();
    private readonly List<DateHit> _dateHits = [];
    private readonly List<NirHit> _nirHits = [];
    private readonly List<PhoneHit> _phoneHits = [];
    private readonly List<EmailHit> _emailHits = [];
    private readonly int[] _dateScratch = new int[4];

    /// <summary>Reads a cell of a record. Identifiers go to <paramref name="identifiers"/>; names and dates come back.</summary>
    public CellReading ReadCell(ReadOnlySpan<char> value, FieldHint hint, RecordIdentifiers identifiers)
    {
        switch (hint)
        {
            case FieldHint.Other or FieldHint.Identifier or FieldHint.PostalCode:
                return CellReading.Empty;
            case FieldHint.Nir:
                if (NirNormalizer.Body(value) is { } nir) identifiers.AddNir(nir, value);
                return CellReading.Empty;
            case FieldHint.Phone:
                // A phone column may have lost its leading zero to a spreadsheet, as the export's did.
                if (PhoneNormalizer.ToE164(value, phoneColumn: true) is { } phone) identifiers.Phones.Add(phone);
                return CellReading.Empty;
            case FieldHint.Email:
                if (EmailNormalizer.Normalize(value) is { } email) identifiers.Emails.Add(email);
                return CellReading.Empty;
        }

        var way = hint switch
        {
            FieldHint.BirthDate => 0,
            FieldHint.None => 1,
            _ => 2,
        };
        var shape = way == 1 ? Shape(value) : TokenShape.Other;
        if (shape == TokenShape.Code) return CellReading.Empty;
        if (shape == TokenShape.Letters)
        {
            // One word of letters: the name-set memo keeps the words that recur, so for a unique one (a barcode of
            // letters) the cell memo would only add a lookup and a store.
            _cellNames.Clear();
            _cellDates.Clear();
            ReadNames(value, prose: false, identifiers);
            return _cellNames.Count == 0 ? CellReading.Empty : new CellReading([.. _cellNames], []);
        }
        var memo = _cells[way];
        var memoize = value.Length <= CellMemo.MaxTextLength;
        var hash = memoize ? string.GetHashCode(value) : 0;
        if (memoize && memo.TryGet(value, hash, out var known)) return known;

        _cellNames.Clear();
        _cellDates.Clear();
        var foundIdentifier = false;
        switch (way)
        {
            case 0:
                ReadDate(value);
                break;
            case 1:
                foundIdentifier = ReadUnhinted(value, identifiers);
                break;
            default:
                foundIdentifier = ReadNames(value, prose: false, identifiers);
                break;
        }
        var reading = _cellNames.Count == 0 && _cellDates.Count == 0 ? CellReading.Empty : new CellReading([.. _cellNames], [.. _cellDates]);
        // A cell that held a NIR, a phone or an email is unique to its row: not worth remembering.
        if (memoize && !foundIdentifier) memo.Offer(value, hash, reading);
        return reading;
    }

    /// <summary>Reads a window of prose (a free-text record): identifiers, dates and runs of name words.</summary>
    public CellReading ReadProse(ReadOnlySpan<char> text, RecordIdentifiers identifiers)
    {
        _cellNames.Clear();
        _cellDates.Clear();
        ReadProseInto(text, identifiers);
        return new CellReading([.. _cellNames], [.. _cellDates]);
    }

    /// <summary>
    /// A barcode or an accession number ("61ZK29", "LW6BGS5G"): ASCII letters and digits mixed in one token, fewer
    /// than six digits, and no run of letters that is a month name. Nothing in it can identify: a NIR has 13 digits,
    /// a phone no letter, an email an '@', a name no digit, prose a space, and a date written without separators
    /// needs six digits or more (19650312, 120365) or a month name between its digits (12MAR1965). So a dump of
    /// unique codes costs one pass over their characters, not a memo lookup and a date parse each.
    /// </summary>
    internal static bool IsCode(ReadOnlySpan<char> value) => Shape(value) == TokenShape.Code;

    /// <summary>
    /// One pass over a cell's characters: a code (<see cref="IsCode"/>), one word of ASCII letters, or anything else.
    /// A table gives each character's class, so a random mix of letters and digits costs no mispredicted branch.
    /// </summary>
    internal static TokenShape Shape(ReadOnlySpan<char> value)
    {
        int digits = 0, letters = 0;
        ulong letterBits = 0;
        var classes = AsciiClasses;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var kind = c < 128 ? classes[c] : 0;
            if (kind == 0) return TokenShape.Other;
            digits += kind & 1;
            letters += kind >> 1;
            letterBits |= (ulong)(kind >> 1) << i; // read only for tokens of 64 characters at most
        }
        if (letters == 0) return TokenShape.Other;
        if (digits == 0) return TokenShape.Letters;
        if (digits >= 6) return TokenShape.Other;
        if (value.Length > 64)
        {
            for (var i = 0; i + 3 <= value.Length; i++)
            {
                if (char.IsAsciiLetter(value[i]) && (i == 0 || !char.IsAsciiLetter(value[i - 1])) && IsMonthName(value, i)) return TokenShape.Other;
            }
            return TokenShape.Code;
        }
        // Where a run of three letters or more starts: a letter after a non-letter, followed by two letters.
        for (var runStarts = letterBits & ~(letterBits << 1) & (letterBits >> 1) & (letterBits >> 2); runStarts != 0; runStarts &= runStarts - 1)
        {
            if (IsMonthName(value, System.Numerics.BitOperations.TrailingZeroCount(runStarts))) return TokenShape.Other;
        }
        return TokenShape.Code;
    }

    /// <summary>1 for an ASCII digit, 2 for an ASCII letter, 0 for anything else.</summary>
    private static ReadOnlySpan<byte> AsciiClasses =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
        0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0,
        0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0,
    ];

    /// <summary>
    /// Whether the run of letters at <paramref name="start"/> of an ASCII token of letters and digits is a month name.
    /// Every month name the date reader knows is three to ten letters, and its first three are one of seventeen
    /// ("JAN", "FEV", "AOU"...): a run whose start is none of them is not read.
    /// </summary>
    private static bool IsMonthName(ReadOnlySpan<char> value, int start)
    {
        if (start + 3 > value.Length || !MonthNames.IsPrefix(value[start], value[start + 1], value[start + 2])) return false;
        var end = start + 3;
        while (end < value.Length && char.IsAsciiLetter(value[end])) end++;
        return end - start <= 10 && MonthNames.Read(value, start, out _) != 0;
    }

    /// <returns>True when the cell held an identifier.</returns>
    private bool ReadUnhinted(ReadOnlySpan<char> value, RecordIdentifiers identifiers)
    {
        int letters = 0, digits = 0;
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c)) digits++;
            else if (char.IsLetter(c)) letters++;
            else if (c == '@')
            {
                if (EmailNormalizer.Normalize(value) is not { } email) return false;
                identifiers.Emails.Add(email);
                return true;
            }
        }
        if (digits == 0) return letters > 0 && ReadNames(value, prose: false, identifiers);
        if (value.Length <= 40)
        {
            if (digits >= 13 && letters <= 2 && NirNormalizer.Body(value) is { } body)
            {
                identifiers.AddNir(body, value);
                return true;
            }
            if (ReadDate(value)) return false;
            if (digits >= 9 && letters == 0 && PhoneNormalizer.ToE164(value) is { } e164)
            {
                identifiers.Phones.Add(e164);
                return true;
            }
        }
        // Words and digits together in one cell: a comment, an address, a whole identity line ("DUPONT Marie
        // 12/03/1965"). Read it as prose.
        return letters > 0 && value.Contains(' ') && ReadProseInto(value, identifiers);
    }

    private bool ReadDate(ReadOnlySpan<char> value)
    {
        var count = BirthDateNormalizer.Normalize(value, _dateScratch);
        for (var i = 0; i < count; i++) AddDistinct(_cellDates, _dateScratch[i]);
        return count > 0;
    }

    private bool ReadNames(ReadOnlySpan<char> value, bool prose, RecordIdentifiers identifiers)
    {
        if (value.IndexOfAny(Separators) < 0)
        {
            Span<char> compact = stackalloc char[Math.Min(value.Length * 2 + 4, 256)];
            var length = NameNormalizer.CompactInto(value, compact);
            if (length > 0) AddName(compact[..length]);
            return false;
        }
        // Words are cut at spaces and commas only: a hyphen or an apostrophe joins one name ("JEAN-PIERRE" is not
        // "PIERRE", "D'ALMEIDA" is DALMEIDA), as the lab's own first-name variants keep a compound whole.
        _words.Clear(value.Length);
        foreach (var range in value.SplitAny(WordBreaks))
        {
            var token = value[range];
            if (!token.IsWhiteSpace()) _words.Add(token);
        }
        // A long phrase is prose, not a name.
        if (_words.Count > MaxSubsequenceWords && !prose) return ReadProseInto(value, identifiers);
        if (_words.Count > MaxNameWordsPerField) _words.Truncate(MaxNameWordsPerField);
        AddWordRuns(MaxSubsequenceWords);
        return false;
    }

    /// <returns>True when the text held an identifier.</returns>
    private bool ReadProseInto(ReadOnlySpan<char> text, RecordIdentifiers identifiers)
    {
        var before = identifiers.Count;
        // NIRs, phones and dates all have digits, and most comments none.
        if (text.ContainsAnyInRange('0', '9')) ReadNumbers(text, identifiers);
        EmailNormalizer.FindAll(text, _emailHits);
        foreach (var hit in _emailHits) identifiers.Emails.Add(hit.Email);
        _emailHits.Clear();

        // Words of letters (an apostrophe or a hyphen between letters keeps a name whole), then runs of them.
        _words.Clear(text.Length);
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && (char.IsLetter(text[i]) || (start >= 0 && text[i] is '\'' or '’' or '-' && i + 1 < text.Length && char.IsLetter(text[i + 1])));
            if (inWord)
            {
                if (start < 0) start = i;
                continue;
            }
            if (start < 0) continue;
            _words.Add(text[start..i]);
            start = -1;
        }
        AddWordRuns(MaxProseNameWords);
        return identifiers.Count > before;
    }

    private void ReadNumbers(ReadOnlySpan<char> text, RecordIdentifiers identifiers)
    {
        NirNormalizer.FindAll(text, _nirHits);
        foreach (var hit in _nirHits) identifiers.AddNir(hit.Body, text.Slice(hit.Start, hit.Length));
        _nirHits.Clear();
        PhoneNormalizer.FindAll(text, _phoneHits);
        foreach (var hit in _phoneHits) identifiers.Phones.Add(hit.E164);
        _phoneHits.Clear();
        BirthDateNormalizer.FindAll(text, _dateHits);
        foreach (var hit in _dateHits)
        {
            AddDistinct(_cellDates, hit.Value);
            if (hit.AltValue != 0) AddDistinct(_cellDates, hit.AltValue);
        }
        _dateHits.Clear();
    }

    /// <summary>Every run of consecutive words, compacted: "LE GALL MARIE" gives LE, LEGALL, LEGALLMARIE, GALL, GALLMARIE, MARIE.</summary>
    private void AddWordRuns(int maxWords)
    {
        // First every run's text and, unless the memo knows it, its two member keys with their filter lines requested;
        // then the answers, in the same order: a comment's runs are independent, and each probe is a cache miss.
        _runs.Clear();
        var used = 0;
        for (var start = 0; start < _words.Count; start++)
        {
            var length = 0;
            for (var end = start; end < _words.Count && end - start < maxWords; end++)
            {
                var word = _words[end];
                if (length + word.Length > MaxRunLength) break;
                length += word.Length;
                if (_runText.Length < used + length) Array.Resize(ref _runText, Math.Max(_runText.Length * 2, used + length));
                for (var w = start; w <= end; w++)
                {
                    _words[w].CopyTo(_runText.AsSpan(used));
                    used += _words[w].Length;
                }
                _runs.Add(Candidate(used - length, length, words: end - start + 1));
            }
        }
        foreach (var run in _runs)
        {
            var text = _runText.AsSpan(run.Start, run.Length);
            var roles = run.Roles;
            if (!run.Known)
            {
                if (index.ContainsMember(run.LastKey)) roles |= NameRoles.Last;
                if (index.ContainsMember(run.FirstKey)) roles |= NameRoles.First;
                if (run.Memoize) _names.Set(text, run.Hash, roles);
            }
            AddName(text, roles);
        }
    }

    /// <summary>
    /// A run of words to ask the name sets about. Single words recur (a comment's vocabulary, the names of a column)
    /// and are remembered (<see cref="NameSetMemo"/>); runs of several words rarely do, so they skip the memo.
    /// </summary>
    private RunCandidate Candidate(int start, int length, int words)
    {
        var text = _runText.AsSpan(start, length);
        var memoize = words == 1 && length <= NameSetMemo.MaxLength;
        var hash = memoize ? string.GetHashCode(text) : 0;
        if (memoize && _names.TryGet(text, hash, out var known)) return new RunCandidate(start, length, known, Known: true);
        var (lastKey, firstKey) = FingerprintRecipe.NameMemberKeys(fp, text);
        index.PrefetchMember(lastKey);
        index.PrefetchMember(firstKey);
        return new RunCandidate(start, length, NameRoles.None, Known: false, memoize, hash, lastKey, firstKey);
    }

    private readonly record struct RunCandidate(
        int Start, int Length, NameRoles Roles, bool Known, bool Memoize = false, int Hash = 0, ulong LastKey = 0, ulong FirstKey = 0);

    /// <summary>
    /// Is the word a last name, a first name of the base? Two keyed hashes (SipHash) and two probes of the member
    /// filter, remembered in a fixed-size memo (<see cref="NameSetMemo"/>) for the words that recur.
    /// </summary>
    private void AddName(ReadOnlySpan<char> compact) => AddName(compact, Roles(compact));

    /// <summary>Adds a name of the base to the cell's reading; a string is made only for one.</summary>
    private void AddName(ReadOnlySpan<char> compact, NameRoles roles)
    {
        if (roles == NameRoles.None) return;
        var isLast = (roles & NameRoles.Last) != 0;
        var isFirst = (roles & NameRoles.First) != 0;
        for (var i = 0; i < _cellNames.Count; i++)
        {
            // Seen before from another place in the text: each run of words is read once, so this is a second occurrence.
            if (compact.SequenceEqual(_cellNames[i].Name))
            {
                _cellNames[i] = _cellNames[i] with { Twice = true };
                return;
            }
        }
        _cellNames.Add(new NameEntry(compact.ToString(), isLast, isFirst));
    }

    private NameRoles Roles(ReadOnlySpan<char> compact)
    {
        var memoize = compact.Length <= NameSetMemo.MaxLength;
        var hash = memoize ? string.GetHashCode(compact) : 0;
        if (memoize && _names.TryGet(compact, hash, out var known)) return known;
        // Both keys first and both filter lines requested, so the two probes' cache misses overlap.
        var (lastKey, firstKey) = FingerprintRecipe.NameMemberKeys(fp, compact);
        index.PrefetchMember(lastKey);
        index.PrefetchMember(firstKey);
        var roles = NameRoles.None;
        if (index.ContainsMember(lastKey)) roles |= NameRoles.Last;
        if (index.ContainsMember(firstKey)) roles |= NameRoles.First;
        if (memoize) _names.Set(compact, hash, roles);
        return roles;
    }

    private static void AddDistinct(List<int> list, int value)
    {
        if (!list.Contains(value)) list.Add(value);
    }
}

/// <summary>What a cell's characters alone say it is (<see cref="TokenClassifier.Shape"/>).</summary>
internal enum TokenShape : byte
{
    Other,
    /// <summary>One word of ASCII letters.</summary>
    Letters,
    /// <summary>A barcode or an accession number: nothing in it can identify.</summary>
    Code,
}

/// <summary>The identifiers of one record: unique values, hashed once each.</summary>
internal sealed class RecordIdentifiers
{
    public List<string> Nirs { get; } = [];
    public List<string> Phones { get; } = [];
    public List<string> Emails { get; } = [];

    /// <summary>NIRs written with their key (15 characters, the key checked), ours or not: suspicious-dump counting.</summary>
    public int KeyedNirs { get; private set; }

    public int Count => Nirs.Count + Phones.Count + Emails.Count;

    /// <param name="written">The characters the NIR was read from: with 15 significant ones, its key was there and valid.</param>
    public void AddNir(string body, ReadOnlySpan<char> written)
    {
        Nirs.Add(body);
        var significant = written.Length - written.Count(' ') - written.Count('.') - written.Count('-') - written.Count('\u00A0') - written.Count('\u202F');
        if (significant >= 15) KeyedNirs++;
    }

    public void Clear()
    {
        KeyedNirs = 0;
        Nirs.Clear();
        Phones.Clear();
        Emails.Clear();
    }
}
