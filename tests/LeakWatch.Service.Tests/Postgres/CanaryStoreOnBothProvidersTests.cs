using LeakWatch.Core.Fingerprinting;
using LeakWatch.Service.Canaries;
using LeakWatch.Service.Storage;
using LeakWatch.Service.Tests.Storage;

namespace LeakWatch.Service.Tests.Postgres;

/// <summary>
/// The canaries are read with the id of the enrollment whose shadow flags they carry, and their version moves with the
/// active enrollment, alike on both providers: the scanner pairs an index only with the flags of its own enrollment.
/// </summary>
public sealed class CanaryStoreOnBothProvidersTests : IDisposable
{
    private readonly StoreFixture _sqlite = new();
    private readonly StoreFixture _postgres = new(PostgresDatabase.Create());

    public void Dispose()
    {
        _sqlite.Dispose();
        _postgres.Dispose();
    }

    [Fact]
    public async Task LoadAsync_OnSqlite_CarriesTheEnrollmentOfItsFlags() => await CarriesTheEnrollmentAsync(_sqlite);

    [Fact]
    public async Task LoadAsync_OnPostgres_CarriesTheEnrollmentOfItsFlags() => await CarriesTheEnrollmentAsync(_postgres);

    private static async Task CarriesTheEnrollmentAsync(StoreFixture fixture)
    {
        var store = new CanaryStore(fixture.Database, TimeProvider.System);
        await store.AddSetAsync("LIS", [new CanaryFingerprints(new Fingerprint(7), [(FingerprintKind.Phone, 42UL), (FingerprintKind.Email, 43UL)], [44UL])], CancellationToken.None);
        var before = await store.LoadAsync(CancellationToken.None);
        var versionBefore = await store.GetVersionAsync(CancellationToken.None);

        long enrollment;
        await using (var writer = await fixture.Store.BeginEnrollmentAsync("export.csv", CancellationToken.None))
        {
            writer.AddLinked(42UL, writer.AddPatient(new Fingerprint(9)));
            enrollment = writer.Id;
            await writer.CommitAsync(new EnrollmentTotals(1, new Dictionary<string, long>(), TimeSpan.FromSeconds(1)), DateTimeOffset.UnixEpoch, CancellationToken.None,
                (connection, transaction, ct) => CanaryStore.SetShadowedAsync(connection, transaction, [42UL], ct));
        }
        var after = await store.LoadAsync(CancellationToken.None);

        Assert.Equal((0L, 0), (before.EnrollmentId, before.Shadowed));
        Assert.Equal(versionBefore, before.Version);
        Assert.Equal((enrollment, 1), (after.EnrollmentId, after.Shadowed));
        Assert.Equal(await store.GetVersionAsync(CancellationToken.None), after.Version);
        Assert.NotEqual(before.Version, after.Version);
        Assert.EndsWith(":" + enrollment.ToString(System.Globalization.CultureInfo.InvariantCulture), after.Version, StringComparison.Ordinal);
    }
}
