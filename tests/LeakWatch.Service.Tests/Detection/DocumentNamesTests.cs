using LeakWatch.Service.Detection;

namespace LeakWatch.Service.Tests.Detection;

public sealed class DocumentNamesTests
{
    private static readonly DocumentNames Names = TestHashes.Fresh().Names;

    [Fact]
    public void Mask_ArchiveEntries_KeepsThePathAndHidesEveryEntryName()
    {
        var masked = Names.Mask("https://files.example.org/dump.zip!patients/CR DUPONT Marie.csv!inner.txt");

        Assert.StartsWith("https://files.example.org/dump.zip!entry-", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("DUPONT", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("inner", masked, StringComparison.Ordinal);
        Assert.Equal(2, masked.Count(c => c == '!'));
        Assert.Equal(masked, Names.Mask("https://files.example.org/dump.zip!patients/CR DUPONT Marie.csv!inner.txt"));
        Assert.NotEqual(masked, Names.Mask("https://files.example.org/dump.zip!patients/CR MARTIN Paul.csv!inner.txt"));
    }

    [Fact]
    public void Mask_PlainDocument_IsUnchanged() =>
        Assert.Equal("/srv/suspect/dump.csv", Names.Mask("/srv/suspect/dump.csv"));

    [Fact]
    public void Mask_AlreadyMaskedDocument_IsUnchangedButANewEntryBesideItIsMasked()
    {
        var masked = Names.Mask("https://files.example.org/dump.zip!CR DUPONT Marie.csv");

        Assert.Equal(masked, Names.Mask(masked));
        var deeper = Names.Mask(masked + "!DUPONT.txt");
        Assert.StartsWith(masked + "!entry-", deeper, StringComparison.Ordinal);
        Assert.DoesNotContain("DUPONT", deeper, StringComparison.Ordinal);
    }

    [Fact]
    public void Mask_EntryName_IsKeyedNotTheBareSha256OfTheName()
    {
        const string name = "DUPUY_Danielle.csv";
        var bare = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)), 0, 4);

        var masked = Names.Mask("dump.zip!" + name);
        var otherKey = TestHashes.Fresh().Names.Mask("dump.zip!" + name);

        Assert.Equal(14, masked.Length - "dump.zip!".Length);
        Assert.DoesNotContain(bare, masked, StringComparison.Ordinal);
        Assert.NotEqual(masked, otherKey);
    }

    [Fact]
    public void Rekey_MaskOfAnOlderVersion_BecomesTheKeyedMaskOfTheSameName()
    {
        const string name = "CR DUPONT Marie.csv";
        var bare = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)), 0, 4);

        Assert.Equal(Names.Mask("https://x.example/d.zip!" + name), Names.Rekey("https://x.example/d.zip!entry-" + bare));
        Assert.Equal("https://x.example/d.zip", Names.Rekey("https://x.example/d.zip"));
    }

    [Fact]
    public void Stored_UnmaskedEntry_IsHiddenWholeAndMaskedOnesKept()
    {
        var masked = Names.Mask("https://x.example/d.zip!a.csv");

        Assert.Equal(masked, DocumentNames.Stored(masked));
        Assert.Equal(masked + "!entry-hidden", DocumentNames.Stored(masked + "!DUPONT.csv"));
    }
}
