using LeakWatch.Service.Detection;

namespace LeakWatch.Service.Tests.Detection;

public sealed class DocumentNamesTests
{
    [Fact]
    public void Mask_ArchiveEntries_KeepsThePathAndHidesEveryEntryName()
    {
        var masked = DocumentNames.Mask("https://files.example.org/dump.zip!patients/CR DUPONT Marie.csv!inner.txt");

        Assert.StartsWith("https://files.example.org/dump.zip!entry-", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("DUPONT", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("inner", masked, StringComparison.Ordinal);
        Assert.Equal(2, masked.Count(c => c == '!'));
        Assert.Equal(masked, DocumentNames.Mask("https://files.example.org/dump.zip!patients/CR DUPONT Marie.csv!inner.txt"));
        Assert.NotEqual(masked, DocumentNames.Mask("https://files.example.org/dump.zip!patients/CR MARTIN Paul.csv!inner.txt"));
    }

    [Fact]
    public void Mask_PlainDocument_IsUnchanged() =>
        Assert.Equal("/srv/suspect/dump.csv", DocumentNames.Mask("/srv/suspect/dump.csv"));

    [Fact]
    public void Mask_AlreadyMaskedDocument_IsUnchangedButANewEntryBesideItIsMasked()
    {
        var masked = DocumentNames.Mask("https://files.example.org/dump.zip!CR DUPONT Marie.csv");

        Assert.Equal(masked, DocumentNames.Mask(masked));
        var deeper = DocumentNames.Mask(masked + "!DUPONT.txt");
        Assert.StartsWith(masked + "!entry-", deeper, StringComparison.Ordinal);
        Assert.DoesNotContain("DUPONT", deeper, StringComparison.Ordinal);
    }
}
