using LeakWatch.Core.Normalization;

namespace LeakWatch.Core.Matching;

/// <summary>
/// The name words of one cell or window of prose, compacted into one reused buffer: prose has many words, and a
/// string for each was most of the scan's garbage. Civilities and what is not a name are left out as they are added.
/// </summary>
internal sealed class CompactWords
{
    private char[] _text = new char[512];
    private (int Start, int Length)[] _words = new (int, int)[64];
    private int _used;

    public int Count { get; private set; }

    public ReadOnlySpan<char> this[int index] => _text.AsSpan(_words[index].Start, _words[index].Length);

    /// <summary>Empties the list, with room for the words of a text of <paramref name="textLength"/> characters.</summary>
    public void Clear(int textLength)
    {
        Count = 0;
        _used = 0;
        // A character folds to at most two letters (Œ is OE).
        if (_text.Length < textLength * 2 + 2) _text = new char[textLength * 2 + 2];
    }

    /// <summary>Adds the compact form of <paramref name="word"/> unless it is a civility or not a name.</summary>
    public void Add(ReadOnlySpan<char> word)
    {
        var length = NameNormalizer.CompactWordInto(word, _text.AsSpan(_used));
        if (length <= 0) return;
        if (Count == _words.Length) Array.Resize(ref _words, Count * 2);
        _words[Count++] = (_used, length);
        _used += length;
    }

    public void Truncate(int count) => Count = Math.Min(Count, count);
}
