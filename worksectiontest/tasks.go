package worksectiontest

import (
	"net/url"
	"strings"
)

// getTask and getTasks serve the task reads the docs name for checking
// subscribers (get_task&extra=subscribers) and the FAQ's signing example
// (get_tasks&id_project=26).
func (s *Server) getTask(p url.Values) (any, *apiError) {
	if p.Get("id_task") == "" {
		return nil, required("id_task")
	}
	t := s.task(p.Get("id_task"))
	if t == nil {
		return nil, errEnvelope(5, "Task is invalid", "")
	}
	return s.toWireTask(*t, strings.Contains(p.Get("extra"), "subscribers")), nil
}

func (s *Server) getTasks(p url.Values) (any, *apiError) {
	pid := p.Get("id_project")
	if pid == "" {
		return nil, required("id_project")
	}
	if s.project(pid) == nil {
		return nil, errProject
	}
	out := []wireTask{}
	for _, t := range s.tasks {
		if string(t.ProjectID) == pid {
			out = append(out, s.toWireTask(t, strings.Contains(p.Get("extra"), "subscribers")))
		}
	}
	return out, nil
}

type wireProjectRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Page string `json:"page"`
}

// wireTask has every key of the recorded get_task answer, in its order;
// the fake keeps no files, comments, relations or subtasks, so those are
// empty, and the dates and limits are the task's defaults.
type wireTask struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Page        string         `json:"page"`
	Status      string         `json:"status"`
	Priority    string         `json:"priority"`
	UserFrom    wireUserRef    `json:"user_from"`
	UserTo      wireUserRef    `json:"user_to"`
	Project     wireProjectRef `json:"project"`
	Text        string         `json:"text"`
	DateAdded   string         `json:"date_added"`
	DateStart   string         `json:"date_start"`
	DateEnd     string         `json:"date_end"`
	TimeStart   string         `json:"time_start"`
	TimeEnd     string         `json:"time_end"`
	MaxTime     int            `json:"max_time"`
	MaxMoney    int            `json:"max_money"`
	Files       []struct{}     `json:"files"`
	HasComments int            `json:"has_comments"`
	Comments    []struct{}     `json:"comments"`
	Subscribers *[]wireUserRef `json:"subscribers,omitempty"` // with extra=subscribers, [] if none
	Relations   wireRelations  `json:"relations"`
	Child       []struct{}     `json:"child"`
}

// wireRelations is a task's links to other tasks.
type wireRelations struct {
	From []struct{} `json:"from"`
	To   []struct{} `json:"to"`
}

func (s *Server) toWireTask(t Task, subscribers bool) wireTask {
	w := wireTask{ID: string(t.ID), Name: t.Name, Status: "active", Priority: "1",
		Page:      "/project/" + string(t.ProjectID) + "/" + string(t.ID) + "/",
		Project:   wireProjectRef{ID: string(t.ProjectID), Page: "/project/" + string(t.ProjectID) + "/"},
		DateAdded: "2024-01-15 10:00", Files: []struct{}{}, Comments: []struct{}{}, Child: []struct{}{},
		Relations: wireRelations{From: []struct{}{}, To: []struct{}{}}}
	if owner := s.owner(); owner != nil {
		w.UserFrom, w.UserTo = *owner, *owner
	}
	if p := s.project(string(t.ProjectID)); p != nil {
		w.Project.Name = p.Name
	}
	if subscribers {
		w.Subscribers = s.userRefs(t.Subscribers)
	}
	return w
}
