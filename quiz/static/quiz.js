// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var two = function (n) { return (n < 10 ? "0" : "") + n; };  // 7 -> "07"

  // A countdown beside "Hand in by ..." on attempts with a deadline: minutes and
  // seconds in the last hour, hours and minutes before that, days further out.
  var deadline = document.querySelector("[data-deadline]");
  if (deadline) {
    var end = Date.parse(deadline.getAttribute("data-deadline"));
    var shown = document.createElement("span");
    shown.className = "countdown";
    shown.setAttribute("aria-hidden", "true");
    deadline.appendChild(document.createTextNode(" "));
    deadline.appendChild(shown);
    var live = document.createElement("p");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    deadline.parentNode.insertBefore(live, deadline.nextSibling);
    var announced = {};
    var tick = function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      var d = Math.floor(left / 86400), h = Math.floor(left / 3600) % 24;
      var m = Math.floor(left / 60) % 60, s = left % 60;
      var text;
      if (d > 0) {
        text = d + (d === 1 ? " day " : " days ") + h + (h === 1 ? " hour" : " hours");
      } else if (h > 0) {
        text = h + " h " + two(m) + " min";
      } else {
        text = m + ":" + two(s);
      }
      shown.textContent = "(" + text + " left)";
      [10, 5, 1].forEach(function (mark) {
        if (left <= mark * 60 && !announced[mark]) {
          announced[mark] = true;
          live.textContent = mark + (mark === 1 ? " minute" : " minutes") + " left.";
        }
      });
      if (left > 0) { window.setTimeout(tick, 1000); }
    };
    tick();
  }

  // The question editor: a sentence ticked in the article gets its fields (role or
  // category, feedback, misconception) right below it, without the round trip of
  // "Show fields for the ticked sentences". Unticked, they are hidden and disabled
  // (not sent), and come back as typed if it is ticked again.
  var details = document.getElementById("sentence-details");
  if (details) {
    document.addEventListener("change", function (event) {
      var box = event.target;
      if (box.name !== "pick" || !/^[A-Za-z0-9_-]+$/.test(box.value)) { return; }
      var sentence = box.parentNode;
      var block = document.getElementById("details-" + box.value);
      if (box.checked && !block) {
        var holder = document.createElement("div");
        holder.innerHTML = details.innerHTML.split("__SID__").join(box.value);
        block = holder.querySelector("fieldset");
        sentence.parentNode.insertBefore(block, sentence.nextSibling);
      }
      sentence.classList.toggle("chosen", box.checked);
      if (block) {
        block.hidden = !box.checked;
        block.disabled = !box.checked;
      }
    });
  }

  // An assignment's results: the students' table fetches itself again every few
  // seconds (data-live-seconds), so that a teacher sees submissions arrive without
  // reloading. It waits while the tab is hidden or the focus is in the table, can be
  // paused (WCAG 2.2.2), and says in a live region how many more have submitted. The
  // statistics below it change on a reload only.
  var live = document.querySelector("[data-live-url]");
  if (live && window.fetch && window.DOMParser) {
    var every = parseInt(live.getAttribute("data-live-seconds"), 10) || 0;
    var line = document.createElement("p");
    line.className = "live-status";
    var said = document.createElement("span");
    var pause = document.createElement("button");
    pause.type = "button";
    pause.className = "secondary";
    pause.textContent = "Pause updates";
    var news = document.createElement("p");
    news.className = "visually-hidden";
    news.setAttribute("aria-live", "polite");
    line.appendChild(said);
    line.appendChild(document.createTextNode(" "));
    line.appendChild(pause);
    var heading = live.querySelector("h2");
    heading.parentNode.insertBefore(line, heading.nextSibling);
    live.appendChild(news);
    var period = every === 1 ? "second" : every + " seconds";
    var paused = false, timer = null;
    var show = function (text) { said.textContent = text; };
    var clock = function () {  // 24-hour, as the server writes times
      var d = new Date();
      return two(d.getHours()) + ":" + two(d.getMinutes()) + ":" + two(d.getSeconds());
    };
    var submitted = function (root) { return root.querySelectorAll("td.status-submitted").length; };
    var schedule = function () {
      if (!paused && !timer && every > 0) { timer = window.setTimeout(refresh, every * 1000); }
    };
    var refresh = function () {
      timer = null;
      var tbody = live.querySelector("tbody");
      if (paused) { return; }
      if (document.hidden || tbody.contains(document.activeElement)) { schedule(); return; }
      window.fetch(live.getAttribute("data-live-url"), {
        credentials: "same-origin", cache: "no-store", headers: { "X-Quiz-Background": "1" }
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      }).then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-live-url] tbody");
        if (!fresh) {  // the login page: the session has ended
          show("Updates stopped: reload the page to log in again.");
          pause.hidden = true;
          return;
        }
        if (fresh.innerHTML !== tbody.innerHTML) {
          var before = submitted(tbody);
          tbody.parentNode.replaceChild(document.importNode(fresh, true), tbody);
          var more = submitted(live) - before;
          if (more > 0) {
            news.textContent = more + (more === 1 ? " more student has" : " more students have") + " submitted.";
          }
        }
        show("Updated at " + clock() + "; the table updates every " + period +
             " (the statistics below on a reload).");
        schedule();
      }).catch(function () {
        show("Could not update at " + clock() + "; trying again.");
        schedule();
      });
    };
    pause.addEventListener("click", function () {
      paused = !paused;
      pause.textContent = paused ? "Resume updates" : "Pause updates";
      if (paused) {
        if (timer) { window.clearTimeout(timer); timer = null; }
        show("Updates paused.");
      } else {
        refresh();
      }
    });
    if (every > 0) {
      show("The table updates every " + period + " (the statistics below on a reload).");
      schedule();
    } else {
      line.hidden = true;
    }
  }

  // A question page saves what the student gives as they give it, in the
  // background (the form's own fields plus autosave=1; the answer comes back in
  // JSON), and says so beside the button: "Answer saved", or with immediate
  // feedback "Kept (not checked yet)", or why not. Without this script every way
  // off the page is a button of the same form and saves first anyway.
  var question = document.querySelector("form[data-autosave]");
  var status = document.getElementById("save-status");
  if (question && status && window.fetch && window.FormData &&
      question.getAttribute("data-autosave") !== "off") {
    var pending = null, sending = false, again = false;
    var say = function (text, kind) {
      status.textContent = text;
      status.className = "save-status" + (kind ? " " + kind : "");
    };
    var send = function () {
      pending = null;
      if (sending) { again = true; return; }
      sending = true;
      var data = new FormData(question);
      data.delete("go");
      data.append("autosave", "1");
      say("Saving…");
      window.fetch(question.action, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        }, function () {
          return { ok: false, body: { message: "Not saved: reload the page and try again." } };
        });
      }).then(function (result) {
        var body = result.body || {};
        if (body.status === "closed" && body.redirect) { window.location.assign(body.redirect); return; }
        if (result.ok && body.status === "empty") { say(""); return; }
        say(body.message || (result.ok ? "Saved." : "Not saved."), result.ok ? "saved" : "failed");
      }).catch(function () {
        say("Not saved: no connection. Your answer is still here; try again.", "failed");
      }).then(function () {
        sending = false;
        if (again) { again = false; send(); }
      });
    };
    var soon = function (ms) {
      if (pending) { window.clearTimeout(pending); }
      pending = window.setTimeout(send, ms);
    };
    question.addEventListener("change", function () { soon(150); });
    question.addEventListener("input", function (event) {
      if (event.target.type === "text") { soon(1200); }
    });
    // Leaving by a button of the form sends it at once: no background save then.
    question.addEventListener("submit", function () {
      if (pending) { window.clearTimeout(pending); pending = null; }
    });
  }

  // One click sends a form once; the server is idempotent anyway.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.getAttribute("data-sent")) { event.preventDefault(); return; }
    form.setAttribute("data-sent", "1");
    window.setTimeout(function () { form.removeAttribute("data-sent"); }, 4000);
  });
})();
