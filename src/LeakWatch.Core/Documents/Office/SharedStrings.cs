using System.Text;
using System.Xml;

namespace LeakWatch.Core.Documents.Office;

/// <summary>
/// A workbook's shared strings in one char buffer and an offset table: millions of cells cost two ints each, not a
/// string. Held within <see cref="UnpackLimits.MaxBufferedArchiveBytes"/>; past it, the rest is not kept and the cells
/// that use it are reported as not read.
/// </summary>
internal sealed class SharedStrings
{
    private char[] _chars = new char[4096];
    private int[] _ends = new int[256];
    private int _length;

    public int Count { get; private set; }

    /// <summary>Strings were dropped for the memory budget.</summary>
    public bool Truncated { get; private set; }

    public bool TryGet(int index, out ReadOnlySpan<char> value)
    {
        if ((uint)index >= (uint)Count)
        {
            value = default;
            return false;
        }

        var start = index == 0 ? 0 : _ends[index - 1];
        value = _chars.AsSpan(start, _ends[index] - start);
        return true;
    }

    public static SharedStrings Read(OfficePackage package, string? part)
    {
        var strings = new SharedStrings();
        if (part is null) return strings;
        using var stream = package.Open(part);
        if (stream is null) return strings;
        var budgetChars = package.Session.Limits.MaxBufferedArchiveBytes / sizeof(char);
        using var reader = XmlReader.Create(stream, OfficePackage.XmlSettings);
        var text = new StringBuilder();
        var inItem = false;
        var phonetic = 0;
        while (reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element when reader.LocalName == "si":
                    if (reader.IsEmptyElement)
                    {
                        if (!strings.Add("", budgetChars)) return strings.Stop(package, part);
                        break;
                    }

                    inItem = true;
                    text.Clear();
                    break;
                case XmlNodeType.Element when reader.LocalName == "rPh" && !reader.IsEmptyElement:
                    phonetic++;
                    break;
                case XmlNodeType.EndElement when reader.LocalName == "rPh":
                    phonetic--;
                    break;
                case XmlNodeType.EndElement when reader.LocalName == "si":
                    inItem = false;
                    if (!strings.Add(text, budgetChars)) return strings.Stop(package, part);
                    break;
                default:
                    if (inItem && phonetic == 0 && XmlText.IsText(reader)) XmlText.Append(reader, text);
                    break;
            }
        }

        return strings;
    }

    private SharedStrings Stop(OfficePackage package, string part)
    {
        Truncated = true;
        package.Session.Skip(
            package.Name + "!" + part,
            $"shared strings larger than {package.Session.Limits.MaxBufferedArchiveBytes} bytes: cells using the rest were not read",
            partial: true);
        return this;
    }

    private bool Add(StringBuilder value, long budgetChars)
    {
        if ((long)_length + value.Length > budgetChars) return false;
        Reserve(value.Length);
        value.CopyTo(0, _chars.AsSpan(_length), value.Length);
        return Commit(value.Length);
    }

    private bool Add(string value, long budgetChars)
    {
        if ((long)_length + value.Length > budgetChars) return false;
        Reserve(value.Length);
        value.CopyTo(_chars.AsSpan(_length));
        return Commit(value.Length);
    }

    private void Reserve(int chars)
    {
        if (_length + chars > _chars.Length) Array.Resize(ref _chars, (int)Math.Min(Array.MaxLength, Math.Max((long)_chars.Length * 2, (long)_length + chars)));
        if (Count == _ends.Length) Array.Resize(ref _ends, _ends.Length * 2);
    }

    private bool Commit(int chars)
    {
        _length += chars;
        _ends[Count++] = _length;
        return true;
    }

    /// <summary>The strings are leaked values: wipe them when the workbook is done.</summary>
    public void Clear()
    {
        _chars.AsSpan(0, _length).Clear();
        _length = 0;
        Count = 0;
    }
}
