using Dapper;
using LeakWatch.Core.Fingerprinting;
using LeakWatch.Core.Matching;
using LeakWatch.Service.CommandLine;
using Microsoft.Data.Sqlite;

namespace LeakWatch.Service.Storage;

/// <summary>
/// The active enrollment's chunks as a source the index file is built from, streamed chunk by chunk (one BLOB in
/// memory at a time) and readable several times: everything is read inside one read transaction, so a concurrent
/// enrollment cannot change what a second pass sees.
/// </summary>
internal sealed class StoredFingerprints : IFingerprintSource, IAsyncDisposable
{
    private const string SelectActive = """
        SELECT id AS Id, patients AS Patients, linked_fingerprints AS Linked, set_members AS Members, scheme AS Scheme
        FROM enrollments WHERE state = 'active'
        """;
    private const string SelectPart = "SELECT rowid, count, data FROM enrollment_chunks WHERE enrollment_id = @id AND part = @part ORDER BY seq";
    private const string SelectPartPostgres = "SELECT 0, count, data FROM enrollment_chunks WHERE enrollment_id = @id AND part = @part ORDER BY seq";

    private readonly System.Data.Common.DbConnection _connection;
    private readonly System.Data.Common.DbTransaction _transaction;
    private byte[] _buffer = new byte[ChunkFormat.DefaultChunkEntries * Fingerprint.Size];

    private StoredFingerprints(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, ActiveRow row)
    {
        _connection = connection;
        _transaction = transaction;
        EnrollmentId = row.Id;
        Patients = checked((int)row.Patients);
        Linked = row.Linked;
        Members = row.Members;
    }

    public long EnrollmentId { get; }

    public int Patients { get; }

    public long Linked { get; }

    public long Members { get; }

    /// <summary>The active enrollment's fingerprints, or null when nothing is enrolled; refuses another scheme's.</summary>
    public static async Task<StoredFingerprints?> OpenActiveAsync(Database database, CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken);
        try
        {
            var transaction = await Database.BeginReadAsync(connection, cancellationToken);
            var row = await connection.QuerySingleOrDefaultAsync<ActiveRow>(new CommandDefinition(SelectActive, transaction: transaction, cancellationToken: cancellationToken));
            if (row is null)
            {
                await transaction.DisposeAsync();
                await connection.DisposeAsync();
                return null;
            }
            if (row.Scheme != FingerprintScheme.Current)
            {
                throw new LeakWatchException(FingerprintScheme.ChangedMessage(row.Scheme), ExitCodes.BadConfiguration);
            }
            return new StoredFingerprints(connection, transaction, row);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public void ReadPatients(PatientChunk onChunk)
    {
        var references = new Fingerprint[ChunkFormat.DefaultChunkEntries];
        ReadPart(ChunkFormat.PatientsPart, (count, data) =>
        {
            if (references.Length < count) references = new Fingerprint[count];
            ChunkFormat.ReadPatients(data, count, references);
            onChunk(references.AsSpan(0, count));
        });
    }

    public void ReadLinked(LinkedChunk onChunk)
    {
        if (_connection is not SqliteConnection)
        {
            ReadLinkedOneReaderAtATime(onChunk);
            return;
        }
        // Keys and their ordinals are two parts chunked alike: read side by side.
        using var ordinals = Part(ChunkFormat.LinkedPatientsPart);
        var keys = new ulong[ChunkFormat.DefaultChunkEntries];
        var patients = new int[ChunkFormat.DefaultChunkEntries];
        var ordinalBuffer = new byte[ChunkFormat.DefaultChunkEntries * 5];
        ReadPart(ChunkFormat.LinkedKeysPart, (count, data) =>
        {
            if (!ordinals.Read()) throw new InvalidDataException($"Enrollment {EnrollmentId} has fewer chunks of ordinals than of keys; enroll again.");
            if (ordinals.GetInt32(1) != count) throw new InvalidDataException($"Enrollment {EnrollmentId} has chunks of keys and ordinals that differ; enroll again.");
            if (keys.Length < count) (keys, patients) = (new ulong[count], new int[count]);
            ChunkFormat.ReadUInt64s(data, count, keys);
            var ordinalBytes = ReadBlob(ordinals.Reader, ref ordinalBuffer);
            ChunkFormat.ReadOrdinalDeltas(ordinalBuffer.AsSpan(0, ordinalBytes), count, patients);
            onChunk(keys.AsSpan(0, count), patients.AsSpan(0, count));
        });
    }

    /// <summary>
    /// PostgreSQL allows one open reader per connection: the ordinals (LEB128 deltas, about a byte per linked
    /// fingerprint) are read first, then the keys beside them.
    /// </summary>
    private void ReadLinkedOneReaderAtATime(LinkedChunk onChunk)
    {
        var ordinals = new List<(int Count, byte[] Data)>();
        ReadPart(ChunkFormat.LinkedPatientsPart, (count, data) => ordinals.Add((count, data.ToArray())));
        var keys = new ulong[ChunkFormat.DefaultChunkEntries];
        var patients = new int[ChunkFormat.DefaultChunkEntries];
        var next = 0;
        ReadPart(ChunkFormat.LinkedKeysPart, (count, data) =>
        {
            if (next >= ordinals.Count) throw new InvalidDataException($"Enrollment {EnrollmentId} has fewer chunks of ordinals than of keys; enroll again.");
            var (ordinalCount, ordinalBytes) = ordinals[next++];
            if (ordinalCount != count) throw new InvalidDataException($"Enrollment {EnrollmentId} has chunks of keys and ordinals that differ; enroll again.");
            if (keys.Length < count) (keys, patients) = (new ulong[count], new int[count]);
            ChunkFormat.ReadUInt64s(data, count, keys);
            ChunkFormat.ReadOrdinalDeltas(ordinalBytes, count, patients);
            onChunk(keys.AsSpan(0, count), patients.AsSpan(0, count));
        });
    }

    public void ReadMembers(KeyChunk onChunk)
    {
        var keys = new ulong[ChunkFormat.DefaultChunkEntries];
        ReadPart(ChunkFormat.SetMembersPart, (count, data) =>
        {
            if (keys.Length < count) keys = new ulong[count];
            ChunkFormat.ReadUInt64s(data, count, keys);
            onChunk(keys.AsSpan(0, count));
        });
    }

    private delegate void ChunkHandler(int count, ReadOnlySpan<byte> data);

    private void ReadPart(int part, ChunkHandler onChunk)
    {
        using var reader = Part(part);
        while (reader.Read())
        {
            var count = reader.GetInt32(1);
            var length = ReadBlob(reader.Reader, ref _buffer);
            onChunk(count, _buffer.AsSpan(0, length));
        }
    }

    private PartReader Part(int part)
    {
        var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = _connection is SqliteConnection ? SelectPart : SelectPartPostgres;
        command.AddParameter("id", System.Data.DbType.Int64, EnrollmentId);
        command.AddParameter("part", System.Data.DbType.Int64, (long)part);
        return new PartReader(command, command.ExecuteReader());
    }

    /// <summary>A part's chunks; disposing the command would close its reader, so both live together.</summary>
    private sealed class PartReader(System.Data.Common.DbCommand command, System.Data.Common.DbDataReader reader) : IDisposable
    {
        public System.Data.Common.DbDataReader Reader => reader;

        public bool Read() => reader.Read();

        public int GetInt32(int ordinal) => checked((int)reader.GetInt64(ordinal));

        public void Dispose()
        {
            reader.Dispose();
            command.Dispose();
        }
    }

    /// <summary>With the rowid selected, the BLOB is read from the database page by page into one reused buffer.</summary>
    private static int ReadBlob(System.Data.Common.DbDataReader reader, ref byte[] buffer)
    {
        using var blob = reader.GetStream(2);
        var length = checked((int)blob.Length);
        if (length > buffer.Length) buffer = new byte[length];
        blob.ReadExactly(buffer, 0, length);
        return length;
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }

    // Every integer is long: SQLite hands Dapper 64-bit integers, and Dapper matches constructor types exactly.
    private sealed record ActiveRow(long Id, long Patients, long Linked, long Members, long Scheme);
}
