using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using LeakWatch.Core.Fingerprinting;
using LeakWatch.Core.Matching;
using LeakWatch.Core.Normalization;
using LeakWatch.Synthetic;

namespace LeakWatch.Service.Tests.Alerting;

/// <summary>
/// Made-up patients, enrolled in memory through the same normalizer and fingerprint recipe as enrollment, and a dump of
/// them run through the real matching pipeline: the scan result the crawler would hand to the incident recorder.
/// </summary>
internal sealed class SyntheticLeak : IDisposable
{
    // Distinctive made-up values, so that finding one in an alert cannot be a coincidence.
    public static readonly SyntheticPatient[] Patients =
    [
        Person("LW-IPP-778812", "Quérlinvaux", "D'Artignac-Zeller", "Éloïse Bérangère", '2', new DateOnly(1965, 3, 12), "75112", "123", "06 71 82 93 04", "eloise.querlinvaux@mail.test", "Montbrison-sur-Lez"),
        Person("LW-IPP-778813", "Oyharçabal", null, "Gwénaëlle", '2', new DateOnly(1979, 11, 28), "64445", "321", "07 55 44 33 21", "g.oyharcabal@mail.test", "Saint-Pée-sur-Nivelle"),
        Person("LW-IPP-778814", "Vandenbroucke", null, "Théophile-Amaury", '1', new DateOnly(1990, 2, 2), "59350", "042", "+33 6 98 76 54 32", "theo.vdb@mail.test", "Wambrechies"),
    ];

    private readonly FingerprintKeys _keys = new(SecretKey.FromBytes([.. Enumerable.Range(40, 32).Select(i => (byte)i)]));
    private readonly ExtractAndMatchPipeline _pipeline;

    public SyntheticLeak()
    {
        var patients = new List<Fingerprint>();
        var sink = new Sink();
        using var fingerprinter = _keys.CreateFingerprinter();
        foreach (var patient in Patients)
        {
            var raw = new RawPatient(patient.Ipp, patient.BirthName, patient.UsageName, patient.FirstNames,
                patient.BirthDate.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture), patient.Nir, patient.Phone, patient.Email);
            var identity = IdentityNormalizer.Normalize(raw).Identity ?? throw new InvalidOperationException("A synthetic patient does not normalize.");
            sink.Ordinal = patients.Count;
            var reference = FingerprintRecipe.PatientRef(fingerprinter, identity.LocalId);
            patients.Add(reference);
            References.Add(reference);
            FingerprintRecipe.Fingerprint(fingerprinter, identity, sink);
        }
        _pipeline = new ExtractAndMatchPipeline(
            new FingerprintIndex(new FingerprintSnapshot
            {
                Patients = [.. patients],
                LinkedKeys = [.. sink.LinkedKeys],
                LinkedPatients = [.. sink.LinkedPatients],
                SetMembers = [.. sink.Members],
            }),
            _keys,
            workers: 1);
    }

    public List<Fingerprint> References { get; } = [];

    /// <summary>A dump of the patients as a leaked lab export would hold them, with health data beside the identities.</summary>
    public static IReadOnlyList<string[]> DumpRows(int count) =>
    [
        .. Patients.Take(count).Select(p => new[]
        {
            p.Ipp,
            p.UsageName ?? p.BirthName,
            p.FirstNames,
            p.BirthDate.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture),
            p.Nir,
            p.Phone,
            p.Email,
            p.City,
            "VIH: positif",
        }),
    ];

    /// <summary>Scans the first <paramref name="count"/> rows of the dump with the real matcher.</summary>
    public DocumentScanResult Scan(string document, int count)
    {
        var rows = DumpRows(count);
        var matches = _pipeline.Run((writer, _) =>
        {
            for (var i = 0; i < rows.Count; i++)
            {
                writer.BeginRecord(i * 200L, i + 1);
                foreach (var field in rows[i]) writer.AddField(field);
                writer.EndRecord();
            }
        }, CancellationToken.None);
        var bytes = Encoding.UTF8.GetBytes(string.Join('\n', rows.Select(r => string.Join(';', r))));
        return new DocumentScanResult(document, Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length, rows.Count, matches.ToMatches(_pipeline.Index.Patients));
    }

    public void Dispose() => _pipeline.Dispose();

    private static SyntheticPatient Person(string ipp, string birthName, string? usageName, string firstNames, char sex, DateOnly birth, string place, string order, string phone, string email, string city)
    {
        var body = string.Create(CultureInfo.InvariantCulture, $"{sex}{birth.Year % 100:00}{birth.Month:00}{place}{order}");
        var key = 97 - (int)(BigInteger.Parse(body, CultureInfo.InvariantCulture) % 97);
        return new SyntheticPatient(ipp, birthName, usageName, firstNames, sex, birth, body + key.ToString("00", CultureInfo.InvariantCulture), phone, email, "12 rue des Tilleuls", "26200", city);
    }

    private sealed class Sink : IFingerprintSink
    {
        public int Ordinal { get; set; }
        public List<ulong> LinkedKeys { get; } = [];
        public List<int> LinkedPatients { get; } = [];
        public HashSet<ulong> Members { get; } = [];

        public void Linked(FingerprintKind kind, Fingerprint fingerprint)
        {
            LinkedKeys.Add(FingerprintSnapshot.Key(fingerprint));
            LinkedPatients.Add(Ordinal);
        }

        public void SetMember(FingerprintKind kind, Fingerprint fingerprint) => Members.Add(FingerprintSnapshot.Key(fingerprint));
    }
}
