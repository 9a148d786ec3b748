using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using LeakWatch.Core.Fingerprinting;
using LeakWatch.Core.Normalization;
using LeakWatch.Service.Keys;
using LeakWatch.Service.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Enrollment;

/// <summary>
/// Turns a lab export into the active enrollment. One thread reads rows in batches, two workers normalize and
/// fingerprint them (one <see cref="Fingerprinter"/> each), and the calling thread writes the results in row order,
/// so patient ordinals follow the file. Memory holds a few batches and the distinct set members, whatever the file size.
/// </summary>
internal sealed class Enroller
{
    public const int Workers = 2;
    private const int BatchSize = 2048;

    private readonly FingerprintStore _store;
    private readonly KeyProvider _keys;
    private readonly TimeProvider _time;
    private readonly ILogger<Enroller> _logger;
    private readonly EnrollmentOptions _options;
    private readonly Canaries.CanaryStore? _canaries;
    private readonly FingerprintIndexFiles? _indexFiles;

    public Enroller(FingerprintStore store, KeyProvider keys, TimeProvider time, ILogger<Enroller> logger, IOptions<EnrollmentOptions>? options = null,
        Canaries.CanaryStore? canaries = null, FingerprintIndexFiles? indexFiles = null)
    {
        _canaries = canaries;
        _indexFiles = indexFiles;
        _store = store;
        _keys = keys;
        _time = time;
        _logger = logger;
        _options = options?.Value ?? new EnrollmentOptions();
    }

    /// <summary>Entries per stored chunk; tests lower it to cross chunk boundaries with few rows.</summary>
    internal int ChunkEntries { get; set; } = ChunkFormat.DefaultChunkEntries;

    /// <param name="fileName">The export's file name, recorded with the enrollment (no folder).</param>
    /// <param name="progress">Called from the reading thread with the rows read so far, once per batch.</param>
    /// <param name="force">Accept an enrollment that <see cref="EnrollmentOptions"/> would refuse.</param>
    /// <exception cref="EnrollmentRefusedException">Empty, far smaller than the active one, or too many rows skipped.</exception>
    public async Task<EnrollmentInfo> EnrollAsync(ExportReader export, string fileName, Action<long>? progress, CancellationToken cancellationToken, bool force = false)
    {
        var keys = await _keys.GetOrCreateKeysAsync(cancellationToken);
        var started = _time.GetTimestamp();
        Log.EnrollmentStarted(_logger, fileName);

        await using var writer = await _store.BeginEnrollmentAsync(fileName, cancellationToken, ChunkEntries);
        // Rows that are canaries stay canaries; patients sharing a value with one are said (Canaries.CanaryGuard). Read
        // once the writer holds the enrollment lock, which `canary create` takes too: no canary is made meanwhile.
        var guard = new Canaries.CanaryGuard(_canaries is null ? Canaries.CanaryBook.Empty : await _canaries.LoadAsync(cancellationToken, includeRetired: true));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var fingerprinters = Channel.CreateBounded<Fingerprinter>(Workers);
        for (var i = 0; i < Workers; i++) fingerprinters.Writer.TryWrite(keys.CreateFingerprinter());
        // Batches in file order, each already handed to a worker: awaiting them in order keeps the ordinals in order.
        var pending = Channel.CreateBounded<Task<BatchFingerprints>>(new BoundedChannelOptions(Workers * 2) { SingleReader = true, SingleWriter = true });

        var reading = Task.Run(() => ReadAsync(export, pending.Writer, fingerprinters, progress, stop.Token), stop.Token);
        var skipped = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            await foreach (var batch in pending.Reader.ReadAllAsync(stop.Token))
            {
                Write(await batch, writer, skipped, guard);
            }
            await reading;
        }
        catch (Exception e)
        {
            await stop.CancelAsync();
            // The reader's own failure (an unreadable file) is the cause worth reporting, not the closed channel it left.
            try
            {
                await reading;
            }
            catch (Exception cause) when (cause is not OperationCanceledException && cause != e)
            {
                ExceptionDispatchInfo.Capture(cause).Throw();
            }
            catch (OperationCanceledException)
            {
            }
            throw;
        }
        finally
        {
            fingerprinters.Writer.TryComplete();
            while (fingerprinters.Reader.TryRead(out var fingerprinter)) fingerprinter.Dispose();
        }

        foreach (var (reason, (count, _)) in export.Problems.Skipped) skipped[reason] = skipped.GetValueOrDefault(reason) + count;
        if (Refusal(export.RowsRead, skipped, export.Problems.SkippedRows, writer.DistinctPatients, await writer.GetActivePatientsAsync(cancellationToken)) is { } refusal)
        {
            Log.EnrollmentRefused(_logger, force);
            if (!force) throw new EnrollmentRefusedException(refusal, skipped);
        }
        var totals = new EnrollmentTotals(export.RowsRead, skipped, _time.GetElapsedTime(started));
        // The shadow flags are the new enrollment's: written in its transaction, so that no reader (a scan reloading
        // its canaries) ever sees the new patients with the old flags, and an enrollment that fails leaves both as they were.
        var info = await writer.CommitAsync(totals, _time.GetUtcNow(), cancellationToken,
            _canaries is null ? null : (connection, transaction, ct) => Canaries.CanaryStore.SetShadowedAsync(connection, transaction, guard.Shadowed, ct));
        if (_canaries is not null && !guard.IsEmpty)
        {
            info = info with { Notes = [.. guard.Describe()] };
            foreach (var ((system, kind), patients) in guard.Collisions) Log.CanaryCollision(_logger, patients, kind, system);
        }
        Log.EnrollmentDone(_logger, info.Patients, info.LinkedFingerprints, info.SetMembers, info.RowsSkipped, info.Duration.TotalSeconds);
        // The scans' index file, built now so that the first scan maps it at once; a scan rebuilds it if this fails.
        if (_indexFiles is not null) await _indexFiles.BuildActiveAsync(keys, cancellationToken);
        return info;
    }

    /// <summary>Why this enrollment must not replace the active one, with the counts; null when it may.</summary>
    private string? Refusal(long rowsRead, Dictionary<string, long> skipped, long unreadable, long patients, long? active)
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        // Canaries exported with the lab's system are not a damaged export.
        var rowsSkipped = skipped.Where(s => s.Key != CanaryRows).Sum(s => s.Value);
        var kept = active is { } a ? string.Create(c, $"The active enrollment ({a:N0} patients) is unchanged.") : "Nothing was enrolled.";
        const string Remedy = "Check the export (rows skipped above); if it is right, run enroll again with --force.";
        if (patients == 0)
        {
            return string.Create(c, $"Enrollment refused: the export holds no patient ({rowsRead:N0} rows read, {rowsSkipped:N0} skipped). {kept} {Remedy}");
        }
        if (active is { } current && patients < current * _options.MinimumShareOfActive)
        {
            return string.Create(c, $"Enrollment refused: the export holds {patients:N0} patients, fewer than {_options.MinimumShareOfActive:P0} of the {current:N0} enrolled now (LeakWatch:Enrollment:MinimumShareOfActive). {kept} {Remedy}");
        }
        if (unreadable > _options.MaximumUnreadableRows)
        {
            return string.Create(c, $"Enrollment refused: {unreadable:N0} rows of the export could not be read (line numbers above); the export is damaged (LeakWatch:Enrollment:MaximumUnreadableRows). {kept} Correct those lines and enroll again, or run enroll again with --force to enroll the {patients:N0} patients that could be read.");
        }
        if (rowsSkipped > rowsRead * _options.MaximumSkippedShare)
        {
            return string.Create(c, $"Enrollment refused: {rowsSkipped:N0} of the export's {rowsRead:N0} rows were skipped ({(double)rowsSkipped / Math.Max(rowsRead, 1):P1}), more than {_options.MaximumSkippedShare:P1} (LeakWatch:Enrollment:MaximumSkippedShare). {kept} {Remedy}");
        }
        return null;
    }

    private static async Task ReadAsync(ExportReader export, ChannelWriter<Task<BatchFingerprints>> pending, Channel<Fingerprinter> fingerprinters,
        Action<long>? progress, CancellationToken cancellationToken)
    {
        try
        {
            var batch = new List<RawPatient>(BatchSize);
            foreach (var row in export.ReadPatients())
            {
                batch.Add(row);
                if (batch.Count < BatchSize) continue;
                await pending.WriteAsync(StartBatch(batch, fingerprinters, cancellationToken), cancellationToken);
                progress?.Invoke(export.RowsRead);
                batch = new List<RawPatient>(BatchSize);
            }
            if (batch.Count > 0) await pending.WriteAsync(StartBatch(batch, fingerprinters, cancellationToken), cancellationToken);
            progress?.Invoke(export.RowsRead);
            pending.Complete();
        }
        catch (Exception e)
        {
            pending.TryComplete(e);
            throw;
        }
    }

    private static Task<BatchFingerprints> StartBatch(List<RawPatient> rows, Channel<Fingerprinter> fingerprinters, CancellationToken cancellationToken) =>
        Task.Run(async () =>
        {
            var fingerprinter = await fingerprinters.Reader.ReadAsync(cancellationToken);
            try
            {
                return BatchFingerprints.Compute(fingerprinter, rows);
            }
            finally
            {
                // Bounded to the number of fingerprinters, so giving one back always fits.
                fingerprinters.Writer.TryWrite(fingerprinter);
            }
        }, cancellationToken);

    /// <summary>The reason counted for export rows that are canaries (not enrolled as patients).</summary>
    public const string CanaryRows = "canary";

    private static void Write(BatchFingerprints batch, EnrollmentWriter writer, Dictionary<string, long> skipped, Canaries.CanaryGuard guard)
    {
        var linkedAt = 0;
        for (var p = 0; p < batch.Patients.Count; p++)
        {
            var end = batch.LinkedEnds[p];
            if (guard.Check(batch.Linked, linkedAt, end) == Canaries.CanaryVerdict.Canary)
            {
                skipped[CanaryRows] = skipped.GetValueOrDefault(CanaryRows) + 1;
                linkedAt = end;
                continue;
            }
            var ordinal = writer.AddPatient(batch.Patients[p]);
            for (; linkedAt < end; linkedAt++) writer.AddLinked(batch.Linked[linkedAt], ordinal);
        }
        foreach (var member in batch.SetMembers) writer.AddSetMember(member);
        foreach (var (reason, count) in batch.Skipped) skipped[reason] = skipped.GetValueOrDefault(reason) + count;
    }
}
