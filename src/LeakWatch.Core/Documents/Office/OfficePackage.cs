using System.IO.Compression;
using System.Xml;

namespace LeakWatch.Core.Documents.Office;

internal enum OfficeKind : byte
{
    /// <summary>A zip that is no office document we read: its entries are read like any archive's.</summary>
    None = 0,
    Spreadsheet,
    WordProcessing,
    OpenDocumentSpreadsheet,
    OpenDocumentText,
}

/// <summary>
/// An office document's zip (.xlsx, .xlsm, .docx, .ods, .odt) opened for random access, its parts read through the
/// unpacking limits (size, total, ratio against each part's compressed size). The relationships are resolved here,
/// in a few lines, rather than by System.IO.Packaging, whose part streams could not be guarded.
/// </summary>
internal sealed class OfficePackage
{
    private const string RelationshipsNs = "http://schemas.openxmlformats.org/package/2006/relationships";
    private readonly ZipArchive _zip;
    private readonly Dictionary<string, ZipArchiveEntry> _entries = new(StringComparer.OrdinalIgnoreCase);

    public OfficePackage(ZipArchive zip, UnpackSession session, string name)
    {
        _zip = zip;
        Session = session;
        Name = name;
        foreach (var entry in zip.Entries) _entries.TryAdd(entry.FullName.TrimStart('/'), entry);
    }

    public UnpackSession Session { get; }

    public string Name { get; }

    public static XmlReaderSettings XmlSettings { get; } = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = true,
    };

    /// <summary>What the package holds, by its content: the ODF mimetype entry, or the OOXML main part's content type.</summary>
    public OfficeKind Detect(out string? mainPart)
    {
        mainPart = null;
        if (_entries.ContainsKey("mimetype") && _entries.ContainsKey("content.xml"))
        {
            var type = ReadSmallText("mimetype");
            if (type.StartsWith("application/vnd.oasis.opendocument.spreadsheet", StringComparison.Ordinal)) return OfficeKind.OpenDocumentSpreadsheet;
            if (type.StartsWith("application/vnd.oasis.opendocument.text", StringComparison.Ordinal)) return OfficeKind.OpenDocumentText;
            return OfficeKind.None;
        }

        if (!_entries.ContainsKey("[Content_Types].xml")) return OfficeKind.None;
        mainPart = Relationships("", "_rels/.rels").FirstOrDefault(r => r.Type.EndsWith("/officeDocument", StringComparison.Ordinal)).Target;
        if (mainPart is null || !_entries.ContainsKey(mainPart)) return OfficeKind.None;
        if (mainPart.StartsWith("xl/", StringComparison.OrdinalIgnoreCase) || RootElement(mainPart) == "workbook") return OfficeKind.Spreadsheet;
        if (RootElement(mainPart) == "document") return OfficeKind.WordProcessing;
        return OfficeKind.None;
    }

    public bool Contains(string part) => _entries.ContainsKey(part);

    /// <summary>Opens a part through the limits; null when it is absent.</summary>
    public GuardedStream? Open(string part)
    {
        if (!_entries.TryGetValue(part, out var entry)) return null;
        var stream = entry.Open();
        return new GuardedStream(stream, Session, Name + "!" + part, Math.Max(1, entry.CompressedLength));
    }

    /// <summary>The relationships of a part: (type, target resolved against the part's folder).</summary>
    public List<(string Type, string Target, string Id)> Relationships(string partFolder, string relsPart)
    {
        var list = new List<(string, string, string)>();
        using var stream = Open(relsPart);
        if (stream is null) return list;
        using var reader = XmlReader.Create(stream, XmlSettings);
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "Relationship" || reader.NamespaceURI != RelationshipsNs) continue;
            if (reader.GetAttribute("TargetMode") == "External") continue;
            var target = reader.GetAttribute("Target");
            if (string.IsNullOrEmpty(target)) continue;
            list.Add((reader.GetAttribute("Type") ?? "", Resolve(partFolder, target), reader.GetAttribute("Id") ?? ""));
        }

        return list;
    }

    /// <summary>"worksheets/sheet1.xml" from "xl/" is "xl/worksheets/sheet1.xml"; "/xl/x.xml" is absolute; ".." climbs.</summary>
    public static string Resolve(string folder, string target)
    {
        var path = target.StartsWith('/') ? target.TrimStart('/') : folder + target;
        var parts = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            if (segment is "" or ".") continue;
            if (segment == "..")
            {
                if (parts.Count > 0) parts.RemoveAt(parts.Count - 1);
                continue;
            }

            parts.Add(Uri.UnescapeDataString(segment));
        }

        return string.Join('/', parts);
    }

    public static string Folder(string part)
    {
        var slash = part.LastIndexOf('/');
        return slash < 0 ? "" : part[..(slash + 1)];
    }

    public static string RelsOf(string part) => Folder(part) + "_rels/" + part[(part.LastIndexOf('/') + 1)..] + ".rels";

    private string? RootElement(string part)
    {
        using var stream = Open(part);
        if (stream is null) return null;
        using var reader = XmlReader.Create(stream, XmlSettings);
        return reader.MoveToContent() == XmlNodeType.Element ? reader.LocalName : null;
    }

    private string ReadSmallText(string part)
    {
        using var stream = Open(part);
        if (stream is null) return "";
        var buffer = new byte[256];
        var n = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return System.Text.Encoding.ASCII.GetString(buffer, 0, n).Trim();
    }

    /// <summary>The zip's entry count, for the entry limit.</summary>
    public int EntryCount => _zip.Entries.Count;
}
