namespace LeakWatch.Core.Documents;

/// <summary>The encodings text is read with: a leaked document, a lab export.</summary>
public enum TextEncodingKind : byte
{
    /// <summary>Only ASCII bytes so far: UTF-8 and Windows-1252 agree, the choice is made at the first other byte.</summary>
    Ascii = 0,
    Utf8,
    Utf16LittleEndian,
    Utf16BigEndian,
    Utf32LittleEndian,
    Utf32BigEndian,
    Windows1252,
}
