using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using LeakWatch.Synthetic;

namespace LeakWatch.Service.Tests.Enrollment;

/// <summary>
/// Looks for any of many patient values, in several encodings and written forms, in raw bytes: every needle's first
/// six bytes go in a hash table, so a 10 MB database is scanned once whatever the number of needles. Values shorter
/// than six bytes are left out: in megabytes of random-looking fingerprints they would turn up by chance.
/// </summary>
internal sealed class PlaintextScanner
{
    private const int Window = 6;
    private readonly Dictionary<ulong, List<(byte[] Bytes, string Label)>> _byPrefix = [];

    public PlaintextScanner(IEnumerable<string> values)
    {
        Encoding[] encodings = [new UTF8Encoding(false), LabExportWriter.Windows1252, new UnicodeEncoding(false, false), new UnicodeEncoding(true, false)];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in values.Distinct(StringComparer.Ordinal))
        {
            foreach (var encoding in encodings)
            {
                var bytes = encoding.GetBytes(value);
                if (bytes.Length < Window || !seen.Add(Convert.ToHexString(bytes))) continue;
                var key = Prefix(bytes);
                if (!_byPrefix.TryGetValue(key, out var list)) _byPrefix[key] = list = [];
                list.Add((bytes, $"{value} ({encoding.WebName})"));
            }
        }
    }

    public int Needles => _byPrefix.Values.Sum(l => l.Count);

    /// <summary>Every value of <paramref name="patients"/> as the export writes it and as normalization could turn it.</summary>
    public static IEnumerable<string> ValuesOf(IEnumerable<SyntheticPatient> patients)
    {
        var c = CultureInfo.InvariantCulture;
        foreach (var p in patients)
        {
            yield return p.Ipp;
            foreach (var name in new[] { p.BirthName, p.UsageName ?? "" }.Concat(p.FirstNames.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
            {
                yield return name;
                yield return name.ToUpperInvariant();
                yield return Compact(name);
            }
            yield return p.FirstNames;
            yield return Compact(p.FirstNames);
            foreach (var format in new[] { "dd/MM/yyyy", "yyyyMMdd", "yyyy-MM-dd", "dd-MM-yyyy", "dd.MM.yyyy", "ddMMyyyy", "dd/MM/yy" })
            {
                yield return p.BirthDate.ToString(format, c);
            }
            yield return p.Nir;
            yield return p.Nir[..13];
            if (p.Phone.Length > 0)
            {
                yield return p.Phone;
                var digits = new string(p.Phone.Where(char.IsAsciiDigit).ToArray());
                var national = digits.StartsWith("33", StringComparison.Ordinal) ? "0" + digits[2..] : digits;
                yield return national;
                yield return "+33" + national[1..];
                yield return "33" + national[1..];
            }
            if (p.Email.Length > 0) yield return p.Email;
            yield return p.Address;
            yield return p.City;
            yield return p.BirthPlace;
        }
    }

    /// <summary>The labels of the values found in <paramref name="content"/>.</summary>
    public List<string> Find(ReadOnlySpan<byte> content)
    {
        var found = new List<string>();
        for (var i = 0; i + Window <= content.Length; i++)
        {
            if (!_byPrefix.TryGetValue(Prefix(content[i..]), out var candidates)) continue;
            foreach (var (bytes, label) in candidates)
            {
                if (content[i..].StartsWith(bytes)) found.Add(label);
            }
        }
        return found;
    }

    public List<string> Find(string text) => Find(Encoding.UTF8.GetBytes(text));

    private static ulong Prefix(ReadOnlySpan<byte> bytes)
    {
        Span<byte> eight = stackalloc byte[8];
        bytes[..Window].CopyTo(eight);
        return BinaryPrimitives.ReadUInt64LittleEndian(eight);
    }

    private static string Compact(string name) => new(name.ToUpperInvariant().Where(char.IsAsciiLetter).ToArray());
}
