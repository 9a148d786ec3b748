using LeakWatch.Core.Extraction;
using LeakWatch.Core.Fingerprinting;
using LeakWatch.Core.Matching;
using LeakWatch.Core.Normalization;

namespace LeakWatch.Core.Tests.Matching;

/// <summary>Builds an index from raw synthetic patients through the same normalizer and recipe enrollment uses.</summary>
internal sealed class MatcherFixture : IDisposable
{
    private readonly List<Fingerprint> _patients = [];
    private readonly List<ulong> _linkedKeys = [];
    private readonly List<int> _linkedPatients = [];
    private readonly HashSet<ulong> _members = [];
    private ExtractAndMatchPipeline? _pipeline;

    public MatcherFixture() => Keys = new FingerprintKeys(SecretKey.FromBytes(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()));

    public FingerprintKeys Keys { get; }

    public Dictionary<string, Fingerprint> RefsById { get; } = [];

    public MatcherFixture Add(RawPatient raw)
    {
        var outcome = IdentityNormalizer.Normalize(raw);
        var identity = outcome.Identity ?? throw new InvalidOperationException("Test patient does not normalize: " + outcome);
        using var fp = Keys.CreateFingerprinter();
        var ordinal = _patients.Count;
        var reference = FingerprintRecipe.PatientRef(fp, identity.LocalId);
        _patients.Add(reference);
        RefsById[raw.LocalId] = reference;
        FingerprintRecipe.Fingerprint(fp, identity, new Sink(this, ordinal));
        _pipeline = null;
        return this;
    }

    public ExtractAndMatchPipeline Pipeline => _pipeline ??= new ExtractAndMatchPipeline(
        new FingerprintIndex(new FingerprintSnapshot
        {
            Patients = [.. _patients],
            LinkedKeys = [.. _linkedKeys],
            LinkedPatients = [.. _linkedPatients],
            SetMembers = [.. _members],
        }),
        Keys,
        workers: 2);

    /// <summary>Scans records given as field lists (hints optional) and returns the matches.</summary>
    public List<PatientMatch> ScanFields(params (string Value, FieldHint Hint)[][] records) =>
        Run(writer =>
        {
            var line = 1;
            foreach (var record in records)
            {
                writer.BeginRecord(line * 100, line);
                foreach (var (value, hint) in record) writer.AddField(value, hint);
                writer.EndRecord();
                line++;
            }
        });

    public List<PatientMatch> ScanRows(params string[][] rows) =>
        ScanFields([.. rows.Select(r => r.Select(v => (v, FieldHint.None)).ToArray())]);

    public List<PatientMatch> ScanText(params string[] windows) =>
        Run(writer =>
        {
            var line = 1;
            foreach (var window in windows)
            {
                writer.BeginRecord(line * 100, line, RecordShape.FreeText);
                writer.AddField(window);
                writer.EndRecord();
                line++;
            }
        });

    private List<PatientMatch> Run(Action<RecordWriter> write)
    {
        var pipeline = Pipeline;
        var matches = pipeline.Run((writer, _) => write(writer), CancellationToken.None);
        return matches.ToMatches(pipeline.Index.Patients);
    }

    public void Dispose() => _pipeline?.Dispose();

    private sealed class Sink(MatcherFixture owner, int ordinal) : IFingerprintSink
    {
        public void Linked(FingerprintKind kind, Fingerprint fingerprint)
        {
            owner._linkedKeys.Add(FingerprintSnapshot.Key(fingerprint));
            owner._linkedPatients.Add(ordinal);
        }

        public void SetMember(FingerprintKind kind, Fingerprint fingerprint) => owner._members.Add(FingerprintSnapshot.Key(fingerprint));
    }
}
