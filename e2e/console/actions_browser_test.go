package console

import (
	"fmt"

	"github.com/chromedp/chromedp"
)

// The steps the tests build on: what a person does with a page, and the
// few changes a test makes to a page to play a forger.

// clickAction clicks the element sel, as a step of navigate.
func clickAction(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(sel))
}

// clickText clicks the first element of sel whose text holds text.
func clickText(sel, text string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.JSPath(fmt.Sprintf(
		`[...document.querySelectorAll(%q)].find(e => e.innerText.includes(%q))`, sel, text)))
}

// setUpload chooses file in the file input sel, as the file picker would.
func setUpload(sel, file string) chromedp.Action[chromedp.Void] {
	return chromedp.SetUploadFiles(chromedp.CSS(sel), []string{file})
}

// clearField empties the input sel.
func clearField(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Clear(chromedp.CSS(sel))
}

// evalStep runs JavaScript in the page as a step, its value ignored.
func evalStep(js string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](js)
}

// dropCSRF takes the anti-forgery token out of the form sel: its hidden
// _csrf field and the _csrf of its action's query (multipart forms).
func dropCSRF(sel string) chromedp.Action[chromedp.Void] {
	return evalStep(fmt.Sprintf(`(() => { const f = document.querySelector(%q);
		f.querySelectorAll("input[name=_csrf]").forEach(i => i.remove());
		const u = new URL(f.action); u.searchParams.delete("_csrf");
		f.setAttribute("action", u.pathname + u.search); })()`, sel))
}

// setValue sets the value of the input sel, as a date or time picker does.
func setValue(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.SetValue(chromedp.CSS(sel), value)
}
