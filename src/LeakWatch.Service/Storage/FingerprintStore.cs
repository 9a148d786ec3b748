using System.Text.Json;
using Dapper;
using LeakWatch.Core.Fingerprinting;
using LeakWatch.Core.Matching;
using LeakWatch.Service.CommandLine;

namespace LeakWatch.Service.Storage;

/// <summary>
/// The enrolled fingerprints: loads the active enrollment for the matcher, answers what <c>run</c> and the console
/// say about it, and starts new enrollments.
/// </summary>
internal sealed class FingerprintStore
{
    private const string SelectActive = """
        SELECT id, enrolled_at AS EnrolledAt, file_name AS FileName, rows_read AS RowsRead, patients, linked_fingerprints AS LinkedFingerprints,
               set_members AS SetMembers, rows_skipped AS RowsSkipped, skipped_by_reason AS SkippedByReason, duration_ms AS DurationMs, scheme AS Scheme
        FROM enrollments WHERE state = 'active'
        """;
    private const string SelectChunks = "SELECT rowid, part, seq, count, data FROM enrollment_chunks WHERE enrollment_id = @id ORDER BY part, seq";
    private const string SelectChunksPostgres = "SELECT 0, part, seq, count, data FROM enrollment_chunks WHERE enrollment_id = @id ORDER BY part, seq";

    private readonly Database _database;
    private readonly TimeProvider _time;

    public FingerprintStore(Database database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    /// <summary>The active enrollment's metadata, or null when no patient was ever enrolled.</summary>
    public async Task<EnrollmentInfo?> GetActiveEnrollmentAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ActiveRow>(new CommandDefinition(SelectActive, cancellationToken: cancellationToken));
        return row?.ToInfo();
    }

    /// <summary>How many patients are enrolled (0 when none).</summary>
    public async Task<int> CountPatientsAsync(CancellationToken cancellationToken) =>
        (await GetActiveEnrollmentAsync(cancellationToken))?.Patients ?? 0;

    /// <summary>When the active enrollment was made, or null when none.</summary>
    public async Task<DateTimeOffset?> GetLastEnrollmentTimeAsync(CancellationToken cancellationToken) =>
        (await GetActiveEnrollmentAsync(cancellationToken))?.EnrolledAt;

    /// <summary>
    /// The active enrollment's fingerprints, or null when none. Rows of the export that shared one identifier are
    /// one patient here: their references are merged, so a match names each patient once.
    /// </summary>
    /// <param name="extra">Fingerprints to index after the patients (the canaries), their ordinals from 0: loaded into
    /// the same arrays, so the index is built once and no array is copied.</param>
    public async Task<FingerprintSnapshot?> LoadActiveAsync(CancellationToken cancellationToken, FingerprintSnapshot? extra = null)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        // One read transaction: a concurrent swap cannot pull chunks away halfway.
        await using var tx = await Database.BeginReadAsync(connection, cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ActiveRow>(new CommandDefinition(SelectActive, transaction: tx, cancellationToken: cancellationToken));
        if (row is null) return null;
        if (row.Scheme != FingerprintScheme.Current)
        {
            throw new LeakWatchException(FingerprintScheme.ChangedMessage(row.Scheme), ExitCodes.BadConfiguration);
        }

        var patients = new Fingerprint[row.Patients + (extra?.Patients.Length ?? 0)];
        var linkedKeys = new ulong[row.LinkedFingerprints + (extra?.LinkedKeys.Length ?? 0)];
        var linkedPatients = new int[row.LinkedFingerprints + (extra?.LinkedKeys.Length ?? 0)];
        var setMembers = new ulong[row.SetMembers + (extra?.SetMembers.Length ?? 0)];
        int patientsAt = 0, keysAt = 0, ordinalsAt = 0, membersAt = 0;

        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = _database.Sql(SelectChunks, SelectChunksPostgres);
        var id = command.CreateParameter();
        id.ParameterName = "id";
        id.Value = row.Id;
        command.Parameters.Add(id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        // One buffer for every chunk: a byte[] per BLOB (what GetValue and GetBytes make) would leave the whole index's
        // size as garbage on the large-object heap, and in the peak memory of every scan.
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(ChunkFormat.DefaultChunkEntries * Fingerprint.Size);
        try
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var part = checked((int)reader.GetInt64(1));
                var count = checked((int)reader.GetInt64(3));
                // With the rowid selected, the BLOB is read straight from the database page by page (incremental I/O).
                using var blob = reader.GetStream(4);
                var length = checked((int)blob.Length);
                if (length > buffer.Length)
                {
                    System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                    buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
                }
                blob.ReadExactly(buffer, 0, length);
                var data = buffer.AsSpan(0, length);
                switch (part)
                {
                    case ChunkFormat.PatientsPart:
                        ChunkFormat.ReadPatients(data, count, patients.AsSpan(patientsAt, count));
                        patientsAt += count;
                        break;
                    case ChunkFormat.LinkedKeysPart:
                        ChunkFormat.ReadUInt64s(data, count, linkedKeys.AsSpan(keysAt, count));
                        keysAt += count;
                        break;
                    case ChunkFormat.LinkedPatientsPart:
                        ChunkFormat.ReadOrdinalDeltas(data, count, linkedPatients.AsSpan(ordinalsAt, count));
                        ordinalsAt += count;
                        break;
                    case ChunkFormat.SetMembersPart:
                        ChunkFormat.ReadUInt64s(data, count, setMembers.AsSpan(membersAt, count));
                        membersAt += count;
                        break;
                    default:
                        throw new InvalidDataException($"Enrollment {row.Id} has a chunk of unknown part {part}.");
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
        if (patientsAt != row.Patients || keysAt != row.LinkedFingerprints || ordinalsAt != row.LinkedFingerprints || membersAt != row.SetMembers)
        {
            throw new InvalidDataException($"Enrollment {row.Id} is incomplete in the database; enroll again.");
        }
        if (extra is not null)
        {
            extra.Patients.CopyTo(patients, patientsAt);
            extra.LinkedKeys.CopyTo(linkedKeys, keysAt);
            for (var i = 0; i < extra.LinkedPatients.Length; i++) linkedPatients[ordinalsAt + i] = patientsAt + extra.LinkedPatients[i];
            extra.SetMembers.CopyTo(setMembers, membersAt);
        }

        (patients, linkedPatients) = MergeDuplicates(patients, linkedPatients);
        return new FingerprintSnapshot { Patients = patients, LinkedKeys = linkedKeys, LinkedPatients = linkedPatients, SetMembers = setMembers };
    }

    /// <summary>Starts a new enrollment beside the active one; see <see cref="EnrollmentWriter"/>.</summary>
    public Task<EnrollmentWriter> BeginEnrollmentAsync(string fileName, CancellationToken cancellationToken, int chunkEntries = ChunkFormat.DefaultChunkEntries) =>
        EnrollmentWriter.BeginAsync(_database, fileName, _time.GetUtcNow(), chunkEntries, cancellationToken);

    /// <summary>One ordinal per distinct patient reference; see <see cref="PatientOrdinals.MergeDuplicates"/>.</summary>
    internal static (Fingerprint[] Patients, int[] LinkedPatients) MergeDuplicates(Fingerprint[] patients, int[] linkedPatients) =>
        PatientOrdinals.MergeDuplicates(patients, linkedPatients);

    // Every integer is long: SQLite hands Dapper 64-bit integers, and Dapper matches constructor types exactly.
    private sealed record ActiveRow(long Id, string EnrolledAt, string FileName, long RowsRead, long Patients, long LinkedFingerprints,
        long SetMembers, long RowsSkipped, string SkippedByReason, long DurationMs, long Scheme)
    {
        public EnrollmentInfo ToInfo() => new(
            Id,
            DbTime.Parse(EnrolledAt),
            FileName,
            RowsRead,
            checked((int)Patients),
            LinkedFingerprints,
            SetMembers,
            RowsSkipped,
            JsonSerializer.Deserialize<Dictionary<string, long>>(SkippedByReason) ?? [],
            TimeSpan.FromMilliseconds(DurationMs));
    }
}
