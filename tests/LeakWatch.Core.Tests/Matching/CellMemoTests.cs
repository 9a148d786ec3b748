using LeakWatch.Core.Matching;

namespace LeakWatch.Core.Tests.Matching;

public sealed class CellMemoTests
{
    private static readonly CellReading Reading = new([new NameEntry("MARTIN", true, false)], [19650312]);

    [Fact]
    public void Offer_TextSeenOnce_IsNotRemembered()
    {
        var memo = new CellMemo(1024);
        memo.Offer("A7K2B9", string.GetHashCode("A7K2B9"), Reading);

        Assert.False(memo.TryGet("A7K2B9", string.GetHashCode("A7K2B9"), out _));
    }

    [Fact]
    public void Offer_TextSeenTwice_IsRememberedAndFound()
    {
        var memo = new CellMemo(1024);
        var hash = string.GetHashCode("MARTIN");
        memo.Offer("MARTIN", hash, Reading);
        memo.Offer("MARTIN", hash, Reading);

        Assert.True(memo.TryGet("MARTIN", hash, out var found));
        Assert.Same(Reading, found);
    }

    [Fact]
    public void TryGet_OtherTextInTheSameSlot_IsAMiss()
    {
        var memo = new CellMemo(1);
        memo.Offer("MARTIN", 7, Reading);
        memo.Offer("MARTIN", 7, Reading);

        // One slot: same bucket, same hash even, but another text is never taken for this one.
        Assert.False(memo.TryGet("DURAND", 7, out _));
    }

    [Fact]
    public void Offer_ManyUniqueTexts_DoNotEvictWhatRecurs()
    {
        var memo = new CellMemo(64);
        var recurring = string.GetHashCode("NEGATIF");
        memo.Offer("NEGATIF", recurring, Reading);
        memo.Offer("NEGATIF", recurring, Reading);
        var random = new Random(3);
        for (var i = 0; i < 100_000; i++)
        {
            var code = random.Next().ToString("X8", System.Globalization.CultureInfo.InvariantCulture);
            memo.Offer(code, string.GetHashCode(code), Reading);
        }

        // Unique codes only ever touch the doorkeeper (a code would have to come twice in a row to its slot to be
        // stored): the recurring value is still there, and the memo never held more than its 64 slots.
        Assert.True(memo.TryGet("NEGATIF", recurring, out var found));
        Assert.Same(Reading, found);
    }

    [Fact]
    public void Offer_TextLongerThanTheLimit_IsNeverStored()
    {
        var memo = new CellMemo(1024);
        var text = new string('A', CellMemo.MaxTextLength + 1);
        memo.Offer(text, 5, Reading);
        memo.Offer(text, 5, Reading);

        Assert.False(memo.TryGet(text, 5, out _));
    }

    [Fact]
    public void Constructor_SlotsNotAPowerOfTwo_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CellMemo(1000));
    }
}
