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
            ReadLinkedThroughCursors(onChunk);
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
    /// PostgreSQL allows one open reader per connection, so the two parts cannot be read side by side as on SQLite.
    /// Each part gets a server-side cursor in this read transaction (the same snapshot), and the two are fetched in
    /// lockstep, one chunk of each per round trip: memory holds one chunk of keys and one of ordinals whatever the
    /// enrollment's size, where reading every ordinal first held about a byte per linked fingerprint (1.2 GB at 100M).
    /// </summary>
    private void ReadLinkedThroughCursors(LinkedChunk onChunk)
    {
        Declare(KeysCursor, ChunkFormat.LinkedKeysPart);
        try
        {
            Declare(OrdinalsCursor, ChunkFormat.LinkedPatientsPart);
            try
            {
                var keys = new ulong[ChunkFormat.DefaultChunkEntries];
                var patients = new int[ChunkFormat.DefaultChunkEntries];
                var ordinalBuffer = new byte[ChunkFormat.DefaultChunkEntries * 5];
                while (true)
                {
                    int count;
                    using (var keyChunk = Fetch(KeysCursor))
                    {
                        if (!keyChunk.Read()) break;
                        count = keyChunk.GetInt32(1);
                        if (keys.Length < count) (keys, patients) = (new ulong[count], new int[count]);
                        var keyBytes = ReadBlob(keyChunk.Reader, ref _buffer);
                        ChunkFormat.ReadUInt64s(_buffer.AsSpan(0, keyBytes), count, keys);
                    }
                    using (var ordinalChunk = Fetch(OrdinalsCursor))
                    {
                        if (!ordinalChunk.Read()) throw new InvalidDataException($"Enrollment {EnrollmentId} has fewer chunks of ordinals than of keys; enroll again.");
                        if (ordinalChunk.GetInt32(1) != count) throw new InvalidDataException($"Enrollment {EnrollmentId} has chunks of keys and ordinals that differ; enroll again.");
                        var ordinalBytes = ReadBlob(ordinalChunk.Reader, ref ordinalBuffer);
                        ChunkFormat.ReadOrdinalDeltas(ordinalBuffer.AsSpan(0, ordinalBytes), count, patients);
                    }
                    onChunk(keys.AsSpan(0, count), patients.AsSpan(0, count));
                }
            }
            finally
            {
                Close(OrdinalsCursor);
            }
        }
        finally
        {
            Close(KeysCursor);
        }
    }

    // Cursor names live in this transaction only; each is closed after use, so the parts can be read again.
    private const string KeysCursor = "leakwatch_linked_keys";
    private const string OrdinalsCursor = "leakwatch_linked_ordinals";

    private void Declare(string cursor, int part)
    {
        using var command = Command("DECLARE " + cursor + " NO SCROLL CURSOR FOR " + SelectPartPostgres);
        command.AddParameter("id", System.Data.DbType.Int64, EnrollmentId);
        command.AddParameter("part", System.Data.DbType.Int64, (long)part);
        command.ExecuteNonQuery();
    }

    private PartReader Fetch(string cursor)
    {
        var command = Command("FETCH NEXT FROM " + cursor);
        return new PartReader(command, command.ExecuteReader());
    }

    private void Close(string cursor)
    {
        using var command = Command("CLOSE " + cursor);
        try
        {
            command.ExecuteNonQuery();
        }
        catch (System.Data.Common.DbException)
        {
            // The transaction failed (the error that failed it is on its way up, and must not be hidden by this one):
            // the cursor ends with it.
        }
    }

    private System.Data.Common.DbCommand Command(string sql)
    {
        var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = sql;
        return command;
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
        var command = Command(_connection is SqliteConnection ? SelectPart : SelectPartPostgres);
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
