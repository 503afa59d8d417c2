"""复审: the re-review of designated bases, as a round of its own.

Seed 001 四(五): "基地评审每两年组织一次，同时对原基地进行复审，复审不合格将取消资格"; seed 000 附件1 五: the
province "制订省基地评审办法和复审办法" and evaluates its bases.

Design: the round reuses the expert review, it does not copy it
----------------------------------------------------------------

- A re-review round (``ReReviewRound``, 复审批次) **is a** ``applications.Call``: the round owns one call (one to
  one), created closed (no park applies to it), whose organiser, level, province, issuers and co-issuers are the
  organiser's. Everything of the expert review that hangs on a call works on it unchanged: the pool, panels,
  conflicts (回避), manual assignment and the random draw (随机抽取) with alternates, the rubric (the round's own
  criteria, saved through ``review.services.save_rubric`` when the round starts), score sheets, reminders and the
  stored ranking. The organiser uses review's own pages for them (conflicts, assignments, rubric).
- Each base under re-review is one ``applications.Application`` of that call (``ReReviewItem`` links it to the
  ``publicity.DesignatedBase``): the base's park is the applicant, the application starts at the state the expert
  review works on (passed the formal check), and its dossier is version 1, an immutable ``ApplicationVersion``
  holding the base's annual reports of the period (``bases`` app), frozen when the round starts. The version
  carries its chapters already laid out (``data["outline"]``, read by ``applications.exports.dossier_outline``),
  so that the expert's task page, the version page and the Word and PDF volumes show the reports unchanged.
- Only bases designated two years or more before the round's reference date are eligible (the designation
  document's date; for a batch designated before the portal, the end of its year) by the organiser itself
  (``DesignatedBase.organiser``), still 在册 or 限期整改, with a park that can be the applicant, and not
  re-reviewed in a round of the last two years (so not in another open round either).
- Outcome per base (``ReReviewItem.Outcome``): 合格 (passed), 限期整改 (rectify by a deadline), 不合格 (failed),
  decided by the organiser once the base's score sheets are in (with a recorded reason when some are missing,
  like the candidate list). 限期整改 sets the base's status with its deadline through the ``bases`` app's audited
  status service; 合格 puts a base under rectification back on the register the same way.
- 不合格 is published: a ``publicity.Notice`` of the round's call lists the failed bases (``NoticeItem`` per
  base), published through ``publicity.services.publish_notice`` (working days, the window decided by time), and
  the public objects through publicity's own pages and services (``Objection``, receipts, the officer's handling).
- **An upheld objection against a 不合格 outcome** removes the base from the notice (publicity marks the item
  removed) and means the outcome is reconsidered: the base is not revoked by the round's document, the round
  shows it as awaiting reconsideration, and the organiser records a new outcome for it, 合格 or 限期整改 (a new
  不合格 would need a new 公示, so it is refused in the same round).
- After the window (every objection decided), the organiser issues the revocation document (撤销通知,
  ``Revocation``): PDF and Word in the official format (``portal.documents``: ``pdf/gongwen.html`` through the
  same body template as the designation, ``GongwenDocx``, ``cn_date``), rendered by a task; each base still
  failed is then 撤销 through the ``bases`` status service, with the document as its deciding document, so that
  ``/bases/`` and the API show it.
- Visibility: experts see only what they are assigned (review's rules); a park sees its base's outcome and the
  history of its re-review through ``history_visible_to`` (never an expert's name); the organiser sees all.
"""
